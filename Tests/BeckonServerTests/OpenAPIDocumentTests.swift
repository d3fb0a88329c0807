import Foundation
import Hummingbird
import Testing

@testable import BeckonServer

@Suite struct OpenAPIDocumentTests {
    /// The error mapping names a missing required query parameter from its own list (the
    /// runtime's error names none): the list holds every one the document requires.
    @Test func everyRequiredQueryParameterIsKnownToTheErrorMapping() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        let lines = try String(contentsOf: docs, encoding: .utf8).split(separator: "\n")
        let required = lines.filter { $0.contains("in: query") && $0.contains("required: true") }.compactMap { line in
            line.firstRange(of: "name: ").map { String(line[$0.upperBound...].prefix { $0 != "," && $0 != " " }) }
        }
        #expect(!required.isEmpty)
        #expect(Set(required).isSubset(of: ErrorAnswer.requiredQueryParameters), "\(required)")
    }

    /// Every route the server registers is described in docs/openapi.yaml with its method.
    @Test func everyRouteIsDocumented() async throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        let text = try String(contentsOf: docs, encoding: .utf8)
        try await TestApp.with { app, _ in
            let router = try buildRouter(configuration: app.configuration, dependencies: app.dependencies)
            #expect(!router.routes.isEmpty)
            for route in router.routes {
                let path =
                    "/"
                    + route.path.components.map { component -> String in
                        let text = "\(component)"
                        return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                    }.joined(separator: "/")
                guard let start = text.range(of: "\n  \(path):\n") else {
                    Issue.record("docs/openapi.yaml lacks \(path)")
                    continue
                }
                let rest = text[start.upperBound...]
                let block = rest.range(of: "\n  /").map { rest[..<$0.lowerBound] } ?? rest
                #expect(("\n" + block).contains("\n    \(route.method.rawValue.lowercased()):"), "\(route.method) \(path) undocumented")
            }
        }
    }
}
