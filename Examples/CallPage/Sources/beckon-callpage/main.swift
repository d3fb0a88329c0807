import BeckonCallPage
import BeckonClient
import Foundation
import Hummingbird

// beckon-callpage: the reference brand call page as its own server.
//
//   BECKON_URL=http://127.0.0.1:8080 BECKON_ACCOUNT=acme BECKON_API_KEY=bk_… beckon-callpage [--port 8081]
//
// The key needs the scopes engagement:validate, visit:read and events:write. With
// TELEPHONY_URL, TELEPHONY_ACCOUNT, TELEPHONY_TOKEN, CALLER_ID and PUBLIC_URL set, calls go
// through the cloud telephony adapter; otherwise they are simulated.
let environment = ProcessInfo.processInfo.environment
func required(_ name: String) -> String {
    guard let value = environment[name], !value.isEmpty else {
        FileHandle.standardError.write(Data("beckon-callpage: set \(name)\n".utf8))
        exit(2)
    }
    return value
}
var port = 8081
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    if flag == "--port", let value = arguments.popFirst().flatMap(Int.init) {
        port = value
    } else {
        FileHandle.standardError.write(Data("beckon-callpage: unknown option \(flag)\n".utf8))
        exit(2)
    }
}
let beckon = BeckonClient(
    baseURL: URL(string: required("BECKON_URL"))!, accountId: required("BECKON_ACCOUNT"), credentials: .bearer(required("BECKON_API_KEY")))
let dialer: any Dialer
if let telephony = environment["TELEPHONY_URL"].flatMap(URL.init(string:)) {
    let publicURL = URL(string: required("PUBLIC_URL"))!
    dialer = CloudTelephonyDialer(
        baseURL: telephony, accountId: required("TELEPHONY_ACCOUNT"), authToken: required("TELEPHONY_TOKEN"),
        callerId: required("CALLER_ID"), callbackBase: publicURL, connectURL: publicURL.appendingPathComponent("connect"))
} else {
    dialer = SimulatedDialer()
}
let page = CallPage(beckon: beckon, dialer: dialer)
let app = Application(router: page.router(), configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "beckon-callpage"))
print("call page on http://127.0.0.1:\(port)/call")
try await app.runService()
