-- The baseline: a small JSON body in, a small JSON body out.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"visitorId":"Xq3v0cAbYk2R9sLmP1wQzA","url":"https://shop.example/product/42/blue-sofa","n":1}'
