// Times sequential GETs through one swift-openapi ClientTransport: URLSession or
// async-http-client, whichever the package it is built in depends on (run.sh builds both).
import Foundation
import HTTPTypes
import OpenAPIRuntime

#if canImport(OpenAPIAsyncHTTPClient)
import OpenAPIAsyncHTTPClient
let name = "async-http-client"
let transport: any ClientTransport = AsyncHTTPClientTransport()
#else
import OpenAPIURLSession
let name = "URLSession"
let transport: any ClientTransport = URLSessionTransport()
#endif

let arguments = CommandLine.arguments
guard arguments.count == 3, let url = URL(string: arguments[1]), let count = Int(arguments[2]), count > 0,
    let base = URL(string: "\(url.scheme ?? "http")://\(url.host ?? "127.0.0.1"):\(url.port ?? 80)")
else {
    print("usage: probe URL COUNT")
    exit(2)
}
let request = HTTPRequest(method: .get, scheme: nil, authority: nil, path: url.path)

func roundTrip() async throws {
    let (response, body) = try await transport.send(request, body: nil, baseURL: base, operationID: "probe")
    guard response.status.code == 200 else { throw URLError(.badServerResponse) }
    if let body { _ = try await Data(collecting: body, upTo: 1 << 20) }
}

for _ in 0..<50 { try await roundTrip() }  // warm up: connections, caches
let clock = ContinuousClock()
var milliseconds: [Double] = []
for _ in 0..<count {
    let started = clock.now
    try await roundTrip()
    let elapsed = (clock.now - started).components
    milliseconds.append(Double(elapsed.seconds) * 1e3 + Double(elapsed.attoseconds) / 1e15)
}
milliseconds.sort()
let mean = milliseconds.reduce(0, +) / Double(count)
let p50 = milliseconds[count / 2]
let p99 = milliseconds[min(count - 1, count * 99 / 100)]
print(String(format: "%@: n=%d mean=%.3f ms p50=%.3f ms p99=%.3f ms", name, count, mean, p50, p99))
