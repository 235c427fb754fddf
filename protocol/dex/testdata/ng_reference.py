# Independent Python transliteration of curvefi/stableswap-ng CurveStableSwapNG.vy
# (v7.0.0, commit 0057a71f) for 2 plain coins, exact integers. It reproduces the
# StableSwap-NG table of protocol-mechanics §T2.3 and the expWad vectors of §T1.6;
# stableswap_test.go's TestStableSwapTrace rows come from `python3 ng_reference.py`.
# Overflow checks are not modelled here (Python integers are unbounded).
A_PRECISION=100; FEE_DEN=10**10; PREC=10**18; N=2
def get_D(xp, amp):
    S=sum(xp)
    if S==0: return 0
    D=S; Ann=amp*N
    for _ in range(255):
        D_P=D
        for x in xp: D_P=D_P*D//x
        D_P//=N**N
        Dprev=D
        D=((Ann*S)//A_PRECISION + D_P*N)*D//(((Ann-A_PRECISION)*D)//A_PRECISION + (N+1)*D_P)
        if abs(D-Dprev)<=1: return D
    raise Exception("D")
def get_y(i,j,x,xp,amp,D):
    S_=0; c=D; Ann=amp*N
    for k in range(N):
        if k==i: _x=x
        elif k!=j: _x=xp[k]
        else: continue
        S_+=_x; c=c*D//(_x*N)
    c=c*D*A_PRECISION//(Ann*N); b=S_+D*A_PRECISION//Ann; y=D
    for _ in range(255):
        yp=y; y=(y*y+c)//(2*y+b-D)
        if abs(y-yp)<=1: return y
    raise Exception("y")
def get_y_D(A,i,xp,D):
    S_=0; c=D; Ann=A*N
    for k in range(N):
        if k==i: continue
        S_+=xp[k]; c=c*D//(xp[k]*N)
    c=c*D*A_PRECISION//(Ann*N); b=S_+D*A_PRECISION//Ann; y=D
    for _ in range(255):
        yp=y; y=(y*y+c)//(2*y+b-D)
        if abs(y-yp)<=1: return y
    raise Exception("yD")
def dyn_fee(xpi,xpj,fee,mult):
    if mult<=FEE_DEN: return fee
    xps2=(xpi+xpj)**2
    return (mult*fee)//((mult-FEE_DEN)*4*xpi*xpj//xps2+FEE_DEN)
def get_p(xp,amp,D):
    ANN=amp*N; Dr=D//(N**N)
    for x in xp: Dr=Dr*D//x
    xp0_A=ANN*xp[0]//A_PRECISION
    return 10**18*(xp0_A+Dr*xp[0]//xp[1])//(xp0_A+Dr)

# snekmate exp
def sar(v,n): return v>>n
def tdiv(a,b):
    q=abs(a)//abs(b)
    return q if (a>=0)==(b>=0) else -q
def wrap(v):
    v%=2**256
    return v-2**256 if v>=2**255 else v
def exp(x):
    if x<=-41446531673892822313: return 0
    assert x<135305999368893231589
    v=tdiv(wrap(x<<78),5**18)
    k=sar(wrap(tdiv(wrap(v<<96),54916777467707473351141471128)+2**95),96)
    v=wrap(v-k*54916777467707473351141471128)
    y=wrap(sar(wrap((v+1346386616545796478920950773328)*v),96)+57155421227552351082224309758442)
    p=wrap(sar(wrap((y+v-94201549194550492254356042504812)*y),96)+28719021644029726153956944680412240)
    p=wrap(p*v+(4385272521454847904659076985693276<<96))
    q=wrap(sar(wrap((v-2855989394907223263936484059900)*v),96)+50020603652535783019961831881945)
    q=wrap(sar(wrap(q*v),96)-533845033583426703283633433725380)
    q=wrap(sar(wrap(q*v),96)+3604857256930695427073651918091429)
    q=wrap(sar(wrap(q*v),96)-14423608567350463180887372962807573)
    q=wrap(sar(wrap(q*v),96)+26449188498355588339934803723976023)
    r=tdiv(p,q)
    return ((r%2**256)*3822833074963236453042738258902158003155416615667 % 2**256) >> (195-k)

class Pool:
    def __init__(s,A,fee,mult,ma,dec,now=0):
        s.rates=[10**(36-d) for d in dec]; s.stored=[0,0]; s.admin=[0,0]
        s.A=A*100; s.fee=fee; s.mult=mult; s.admin_fee=5*10**9; s.ts=0
        s.last_p=10**18; s.ema_p=10**18; s.last_D=0; s.ema_D=0; s.ma=ma; s.dma=62324; s.tp=now; s.tD=now
    def bal(s): return [s.stored[k]-s.admin[k] for k in range(2)]
    def xp(s,b): return [s.rates[k]*b[k]//PREC for k in range(2)]
    def ma_(s,last,ema,win,t,now):
        if t<now:
            alpha=exp(-(((now-t)*10**18)//win))
            return (last*(10**18-alpha)+ema*alpha)//10**18
        return ema
    def upkeep(s,xp,amp,D,now):
        sp=get_p(xp,amp,D)
        if sp!=0:
            e=s.ma_(s.last_p,s.ema_p,s.ma,s.tp,now); s.last_p=min(sp,2*10**18); s.ema_p=e
        e=s.ma_(s.last_D,s.ema_D,s.dma,s.tD,now); s.last_D=D; s.ema_D=e
        s.tp=max(s.tp,now); s.tD=max(s.tD,now)
    def exchange(s,i,j,dx,now):
        xp=s.xp(s.bal()); s.stored[i]+=dx
        x=xp[i]+dx*s.rates[i]//PREC
        amp=s.A; D=get_D(xp,amp); y=get_y(i,j,x,xp,amp,D)
        dy=xp[j]-y-1
        dy_fee=dy*dyn_fee((xp[i]+x)//2,(xp[j]+y)//2,s.fee,s.mult)//FEE_DEN
        dy=(dy-dy_fee)*PREC//s.rates[j]
        s.admin[j]+=(dy_fee*s.admin_fee//FEE_DEN)*PREC//s.rates[j]
        xp[i]=x; xp[j]=y; s.upkeep(xp,amp,D,now)
        s.stored[j]-=dy
        return dy
    def fees(s,old,new,D0,D1,admin=True):
        base=s.fee*N//(4*(N-1)); ys=(D0+D1)//N; fees=[]
        for k in range(2):
            ideal=D1*old[k]//D0; diff=abs(ideal-new[k])
            xs=s.rates[k]*(old[k]+new[k])//PREC
            f=dyn_fee(xs,ys,base,s.mult)*diff//FEE_DEN; fees.append(f)
            if admin: s.admin[k]+=f*s.admin_fee//FEE_DEN
            new[k]-=f
        return fees
    def add(s,amounts,now):
        amp=s.A; old=s.bal(); D0=get_D(s.xp(old),amp); new=old[:]
        for k in range(2):
            if amounts[k]>0: s.stored[k]+=amounts[k]; new[k]+=amounts[k]
            else: assert s.ts!=0
        D1=get_D(s.xp(new),amp); assert D1>D0
        if s.ts>0:
            s.fees(old,new,D0,D1)
            xp=s.xp(new); D1=get_D(xp,amp); mint=s.ts*(D1-D0)//D0; s.upkeep(xp,amp,D1,now)
        else:
            mint=D1; s.last_D=D1; s.ema_D=D1; s.tD=max(s.tD,now)
        s.ts+=mint; return mint
    def remove(s,burn,now):
        ts=s.ts; b=s.bal(); out=[b[k]*burn//ts for k in range(2)]
        for k in range(2): s.stored[k]-=out[k]
        s.ts-=burn
        old_D=s.last_D
        e=s.ma_(s.last_D,s.ema_D,s.dma,s.tD,now)
        s.last_D=old_D-old_D*burn//ts; s.ema_D=e; s.tD=max(s.tD,now)
        return out
    def remove_imb(s,amounts,now):
        amp=s.A; old=s.bal(); D0=get_D(s.xp(old),amp); new=old[:]
        for k in range(2):
            if amounts[k]: new[k]-=amounts[k]; s.stored[k]-=amounts[k]
        D1=get_D(s.xp(new),amp)
        s.fees(old,new,D0,D1)
        D1=get_D(s.xp(new),amp); s.upkeep(s.xp(new),amp,D1,now)
        burn=(D0-D1)*s.ts//D0+1; assert burn>1
        s.ts-=burn; return burn
    def calc_one(s,burn,i):
        amp=s.A; xp=s.xp(s.bal()); D0=get_D(xp,amp)
        D1=D0-burn*D0//s.ts; new_y=get_y_D(amp,i,xp,D1)
        base=s.fee*N//(4*(N-1)); red=xp[:]; ys=(D0+D1)//(2*N)
        for j in range(2):
            if j==i: dxe=xp[j]*D1//D0-new_y; xavg=(xp[j]+new_y)//2
            else: dxe=xp[j]-xp[j]*D1//D0; xavg=xp[j]
            red[j]=xp[j]-dyn_fee(xavg,ys,base,s.mult)*dxe//FEE_DEN
        dy=red[i]-get_y_D(amp,i,red,D1)
        dy0=(xp[i]-new_y)*PREC//s.rates[i]
        dy=(dy-1)*PREC//s.rates[i]
        xp[i]=new_y
        return dy,dy0-dy,xp,amp,D1
    def remove_one(s,burn,i,now):
        dy,fee,xp,amp,D1=s.calc_one(burn,i)
        s.admin[i]+=fee*s.admin_fee//FEE_DEN; s.ts-=burn; s.stored[i]-=dy
        s.upkeep(xp,amp,D1,now); return dy
    def get_dx(s,i,j,dy):
        xp=s.xp(s.bal()); amp=s.A; D=get_D(xp,amp)
        dwf=dy*s.rates[j]//PREC+1
        f=dyn_fee(xp[i],xp[j],s.fee,s.mult)
        y=xp[j]-dwf*FEE_DEN//(FEE_DEN-f)
        x=get_y(j,i,y,xp,amp,D)
        return (x-xp[i])*PREC//s.rates[i]
    def vp(s): return get_D(s.xp(s.bal()),s.A)*PREC//s.ts
    def dump(s):
        return dict(stored=s.stored,admin=s.admin,ts=s.ts,last_p=s.last_p,ema_p=s.ema_p,last_D=s.last_D,ema_D=s.ema_D,tp=s.tp,tD=s.tD)


if __name__ == "__main__":
    E = 10**18
    p = Pool(500, 10**6, 5*10**10, 866, [18, 6])
    print("mint0", p.add([10**6*E, 10**6*10**6], 0))
    print("ex1", p.exchange(0, 1, 50000*E, 600))
    print("add2", p.add([10000*E, 0], 1200))
    print("ex3", p.exchange(1, 0, 20000*10**6, 1800))
    print("rimb4", p.remove_imb([0, 5000*10**6], 2400))
    print("one5", p.remove_one(1000*E, 0, 3000))
    print("one6", p.remove_one(777*E, 1, 3300))
    print("rem7", p.remove(10000*E, 3600))
    print("dx", p.get_dx(0, 1, 1000*10**6))
    for k, v in p.dump().items():
        print(k, v)
    print("po", p.ma_(p.last_p, p.ema_p, p.ma, p.tp, 4000))
    print("Do", p.ma_(p.last_D, p.ema_D, p.dma, p.tD, 4000))
    print("vp", p.vp())
