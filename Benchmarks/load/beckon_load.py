"""Helpers of scripts/bench that wrk cannot do: seeding campaigns, making a pool of live
contexts, the SIGKILL load (acknowledgements written only after a 2xx), and its verification.
Standard library only."""
import http.client
import json
import random
import sqlite3
import sys
import threading
import time


def call(conn, method, path, body=None, headers=None):
    headers = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    text = response.read()
    return response.status, (json.loads(text) if text else None)


def seed(port, account, bearer, campaigns):
    """`campaigns` live campaigns, each with one Click to Call engagement on /product/<n>/."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    auth = {"Authorization": "Bearer " + bearer}
    for n in range(1, campaigns + 1):
        status, campaign = call(conn, "POST", f"/api/v1/accounts/{account}/campaigns",
                                {"name": f"Product {n} callback", "status": "live", "priority": n % 5}, auth)
        assert status == 201, (status, campaign)
        status, engagement = call(conn, "POST", f"/api/v1/accounts/{account}/campaigns/{campaign['id']}/engagements", {
            "name": f"Call about product {n}", "type": "clickToCall", "placement": "toaster",
            "entryPoint": {"include": [{"urlContains": f"/product/{n}/"}]},
            "behaviour": {"all": [{"pageCount": {"min": 1}}]},
            "creative": {"html": "<p>Questions about {{product}}? We call you.</p><button data-beckon-click>Call me</button>"},
            "clickToCall": {"brandPageUrl": "https://brand.example/call"}}, auth)
        assert status == 201, (status, engagement)


def pool(port, path, size, out):
    """Page views of new visitors on targeted pages; writes one live context per line."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    with open(out, "w") as f:
        made = 0
        while made < size:
            product = random.randint(1, 100)
            status, answer = call(conn, "POST", path + "/engagement?v=1.0",
                                  {"entryPoints": [f"https://shop.example/product/{product}/detail"]})
            assert status in (200, 201), (status, answer)
            for d in answer.get("engagementDetails") or []:
                f.write(f"{answer['visitorId']} {answer['sessionId']} {d['campaignId']} {d['engagementId']} {d['contextId']}\n")
                made += 1


def load(port, path, acks, threads=16):
    """Page views and display reports until the server dies; every 2xx is written to `acks`
    (vid sid pageId kind) only after it was answered."""
    lock = threading.Lock()
    out = open(acks, "a", buffering=1)

    def worker():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            while True:
                product = random.randint(1, 200)
                status, answer = call(conn, "POST", path + "/engagement?v=1.0",
                                      {"entryPoints": [f"https://shop.example/product/{product}/detail"]})
                if status not in (200, 201):
                    continue
                vid, sid = answer["visitorId"], answer["sessionId"]
                with lock:
                    out.write(f"{vid} {sid} {answer['pageId']} pageView\n")
                for d in answer.get("engagementDetails") or []:
                    event = {"type": "impDisplay", "campaign": d["campaignId"], "engId": d["engagementId"],
                             "eContext": [{"type": "engagementContext", "id": d["contextId"]}]}
                    status, _ = call(conn, "PUT", f"{path}/report?v=1.0&vid={vid}&sid={sid}",
                                     {"pageId": answer["pageId"], "engagementAttributes": [event]})
                    if status == 200:
                        with lock:
                            out.write(f"{vid} {sid} {d['contextId']} impression\n")
        except Exception:
            return

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def verify(database, acks):
    """Every acknowledged page view and impression must be in the journal."""
    db = sqlite3.connect(database)
    stored = set()
    for visitor, session, kind, payload in db.execute(
            "SELECT visitor_id, session_id, kind, payload FROM journal WHERE kind IN ('pageView', 'impression')"):
        p = json.loads(payload)
        key = p["pageId"] if kind == "pageView" else p["contextId"]
        stored.add((visitor, session, key, kind))
    acked = set()
    with open(acks) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4:
                acked.add(tuple(parts))
    missing = acked - stored
    print(json.dumps({"benchmark": "sigkill-durability", "acknowledged": len(acked), "found": len(acked) - len(missing),
                      "missing": len(missing)}))
    return 0 if not missing else 1


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "seed":
        seed(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif command == "pool":
        pool(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif command == "load":
        load(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif command == "verify":
        sys.exit(verify(sys.argv[2], sys.argv[3]))
