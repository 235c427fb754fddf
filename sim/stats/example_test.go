package stats_test

import (
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/tempest-risk/tempest/sim/stats"
)

// Two workers aggregate their own runs; one of them ships its table as
// bytes (a shard on disk). The merged report is the same whatever the
// split of runs between the workers and the order of merging.
func ExampleTable() {
	metrics := []string{"debt"}
	const buckets = 2
	worker := func(runs []int) *stats.Table {
		t := stats.NewTable(metrics, buckets, 0.005, 8192)
		for _, run := range runs {
			r := rand.New(rand.NewPCG(1, uint64(run))) // each run's own seed
			for b := range buckets {
				t.Add(0, b, 100*r.ExpFloat64())
			}
		}
		return t
	}
	a := worker([]int{0, 1, 2, 3, 4, 5, 6})
	shard, err := worker([]int{7, 8, 9}).MarshalBinary()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := a.MergeBinary(shard); err != nil {
		fmt.Println(err)
		return
	}
	hour := func(b int) float64 { return 3600 * float64(b) }
	if err := a.WriteCSV(os.Stdout, hour, []float64{0.5, 0.99}, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// metric,bucket,t,count,mean,min,p50,p99,max
	// debt,0,0,10,59.22647894,7.589182746,59.44321826,87.79677705,126.2849028
	// debt,1,3600,10,98.98206267,0.2959833413,72.60423175,175.0428047,184.5215475
}

// A Sum gives the correctly rounded total whatever the order of the terms.
func ExampleSum() {
	var s stats.Sum
	for _, x := range []float64{1e308, 1, 1e308, -1e308, -1e308, 1e-300} {
		s.Add(x)
	}
	fmt.Println(s.Value())
	// Output:
	// 1
}
