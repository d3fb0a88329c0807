"""OAuth 1.0a interoperability (issue 6): requests signed by oauthlib / requests-oauthlib, a client
nobody here wrote, against the real server of the browser tests."""
import requests
from requests_oauthlib import OAuth1


def oauth_key(beckon, scopes="admin"):
    key = beckon.run("apikey", "create", "acme", "--scopes", scopes, "--json")
    o = key["oauth1"]
    return o["consumerKey"], o["consumerSecret"], o["token"], o["tokenSecret"]


def signer(consumer_key, consumer_secret, token, token_secret, **options):
    return OAuth1(consumer_key, client_secret=consumer_secret, resource_owner_key=token,
                  resource_owner_secret=token_secret, signature_method="HMAC-SHA1", **options)


def test_signed_requests_are_accepted(beckon):
    key = oauth_key(beckon)
    auth = signer(*key)
    sites = requests.get(f"{beckon.base}/api/v1/accounts/acme/sites", auth=auth, timeout=10)
    assert sites.status_code == 200, sites.text
    # Query parameters are part of the signature.
    listed = requests.get(f"{beckon.base}/api/v1/accounts/acme/campaigns", params={"limit": "2", "status": "live"},
                          auth=signer(*key), timeout=10)
    assert listed.status_code == 200, listed.text
    # A JSON body, as the brand APIs take.
    created = requests.post(f"{beckon.base}/api/v1/accounts/acme/campaigns", json={"name": "Signed with oauthlib"},
                            auth=signer(*key), timeout=10)
    assert created.status_code == 201, created.text
    # Form parameters are part of the signature too (signed in the header, not the body).
    shift = requests.post(f"{beckon.base}/api/account/acme/clicktocall/tokens/verify",
                          data={"note": "a form body is signed"}, auth=signer(*key), timeout=10)
    assert shift.status_code == 415, "authenticated; the body is just not the JSON the endpoint wants"


def test_a_wrong_secret_and_a_replayed_nonce_are_refused(beckon):
    consumer_key, consumer_secret, token, token_secret = oauth_key(beckon)
    wrong = requests.get(f"{beckon.base}/api/v1/accounts/acme/sites",
                         auth=signer(consumer_key, "not-the-secret", token, token_secret), timeout=10)
    assert wrong.status_code == 401 and wrong.json()["internalCode"] == 10

    prepared = requests.Request("GET", f"{beckon.base}/api/v1/accounts/acme/sites",
                                auth=signer(consumer_key, consumer_secret, token, token_secret)).prepare()
    with requests.Session() as session:
        first = session.send(prepared, timeout=10)
        replay = session.send(prepared, timeout=10)
    assert first.status_code == 200
    assert replay.status_code == 401 and "nonce" in replay.json()["message"]

    stale = requests.get(f"{beckon.base}/api/v1/accounts/acme/sites",
                         auth=signer(consumer_key, consumer_secret, token, token_secret, timestamp="1000000000"), timeout=10)
    assert stale.status_code == 401 and "timestamp" in stale.json()["message"]


def test_a_key_of_another_account_is_refused(beckon):
    beckon.run("account", "create", "globex", "--admin-email", "admin@globex.example", "--json")
    key = beckon.run("apikey", "create", "globex", "--scopes", "admin", "--json")["oauth1"]
    auth = signer(key["consumerKey"], key["consumerSecret"], key["token"], key["tokenSecret"])
    response = requests.get(f"{beckon.base}/api/v1/accounts/acme/sites", auth=auth, timeout=10)
    assert response.status_code == 403
