# Per-stage medians (ms) of the PROBE lines that lookup-stages.patch makes the service log, for the
# measured requests of lookup-client.py (1-id and 300-id lookups alternate). usage: stages.py <service log>
import sys, re, statistics
rows=[]
for line in open(sys.argv[1]):
    if 'PROBE' in line:
        d=dict(re.findall(r'(\w+)=(-?\d+)', line.split('PROBE',1)[1]))
        rows.append({k:int(v) for k,v in d.items()})
look=[r for r in rows if r['accepted']>0][201:]
def med(f, sel):
    v=[f(r) for r in sel]; v=[x for x in v if x is not None]
    return statistics.median(v)/1000 if v else None
def d(a,b): return lambda r: (r[b]-r[a]) if r[a]>=0 and r[b]>=0 else None
stages=[("correlation id + token check","in","authed"),("admission + query string to envelope","authed","envelope"),("rate-limit EVAL (Redis)","envelope","ratelimited"),("acceptance (validation, preparing)","ratelimited","accepted"),
 ("  hand-off to a chunk worker","accepted","workerIn"),("  worker MGET (and Redis reply)","workerIn","cacheRead"),("  worker decode + result","cacheRead","workerOut"),("  reply back to the event loop","workerOut","replyIn"),
 ("read, in all (accepted to chunk result)","accepted","replyIn"),("audit INSERT + commit (beside the read)","accepted","auditDone"),
 ("wait for the later of read and audit","accepted","joined"),("outcome to response object","joined","responseBuilt"),("response encoding + write","responseBuilt","responseEnded"),("total (first handler to response end)","in","responseEnded")]
for parity,label in ((0,"1-id"),(1,"300-id")):
    sel=look[parity::2]
    print("%s (%d requests)"%(label,len(sel)))
    for name,a,b in stages:
        m=med(d(a,b),sel)
        if m is not None: print("  %-45s %7.2f"%(name,m))
