# Keep-alive client of bench/probe/run.sh: creates 300 users, warms up (100 x a 300-id lookup, a 1-id
# lookup and /health/live), then alternates the three N times; prints the client-side medians (ms).
# usage: lookup-client.py <port> <token file> [N]
import http.client, json, sys, time, statistics, os, random
port=int(sys.argv[1]); token=open(sys.argv[2]).read().strip(); n=int(sys.argv[3]) if len(sys.argv)>3 else 400
H={"Authorization":"Bearer "+token,"Content-Type":"application/json"}
c=http.client.HTTPConnection("127.0.0.1",port)
def req(m,p,b=None):
    t=time.perf_counter(); c.request(m,p,body=b,headers=H); r=c.getresponse(); d=r.read(); return r.status,d,(time.perf_counter()-t)*1000
tag="probe%d"%random.randint(0,10**9)
users=[{"email":"%s-%d@example.com"%(tag,i),"name":"U %d"%i,"passwordHash":"$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"} for i in range(300)]
s,d,_=req("POST","/batch/users/create",json.dumps({"users":users,"options":{"chunkSize":500}}))
ids=[u["id"] for u in json.loads(d)["data"]]
q300="/batch/users/lookup?ids="+",".join(ids)+"&chunkSize=1000"
q1="/batch/users/lookup?ids="+ids[0]
for i in range(100): req("GET",q300); req("GET",q1); req("GET","/health/live")
res={"1":[],"300":[],"live":[]}
for i in range(n):
    res["1"].append(req("GET",q1)[2]); res["300"].append(req("GET",q300)[2]); res["live"].append(req("GET","/health/live")[2])
print(json.dumps({k:round(statistics.median(v),3) for k,v in res.items()}))
