// Package agents holds the behaviours that act on the protocol: borrowers,
// keepers, arbitrageurs and the governance steward of the backstop.
//
// An agent is a plain struct. Each block the engine hands every awake agent
// the same start-of-block View (read only) and the agent's own random
// stream; the agent appends the transactions it wants to send and says when
// it next wants to look. Agents never touch state: the engine orders the
// transactions of all agents, executes them, and delivers each agent its
// receipts in the next block's View. Deciding in sequence or in parallel
// gives the same result, since nothing an agent decides depends on another
// agent's decision in the same block.
package agents
