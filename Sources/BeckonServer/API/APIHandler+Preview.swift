import BeckonAPI
import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime

/// The engagement previews (`PreviewPage`): a saved engagement's, with placeholders from the
/// query (any names, so read from the request rather than the typed input), and the console's
/// live preview of a creative being edited (nothing is stored).
extension APIHandler {
    func previewEngagement(_ input: Operations.PreviewEngagement.Input) async throws -> Operations.PreviewEngagement.Output {
        let principal = try OperationContext.requireAuthenticated()
        let id = input.path.engagementId
        guard let engagement = try await storage.campaigns.engagement(accountId: principal.accountId, id: id) else {
            throw BeckonError.notFound("engagement \(id)")
        }
        var values: [String: String] = [:]
        for (name, value) in try OperationContext.bound().request.uri.queryParameters { values[String(name)] = String(value) }
        return .ok(Self.page(PreviewPage.page(for: engagement, values: values)))
    }

    func previewCreative(_ input: Operations.PreviewCreative.Input) async throws -> Operations.PreviewCreative.Output {
        _ = try OperationContext.requireAuthenticated()
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let page = PreviewPage.page(
            name: body.name ?? "Preview", id: 0, revision: 0,
            type: try Representation.convert(body._type ?? .clickToCall, to: EngagementSettings.Kind.self),
            placement: try Representation.convert(body.placement ?? .toaster, to: EngagementSettings.Placement.self),
            creative: .init(html: body.creative.html, css: body.creative.css ?? ""),
            values: body.values?.additionalProperties ?? [:])
        return .ok(Self.page(page))
    }

    /// The page with its sandboxing policy. The policy is also set raw: the generated header
    /// coding would percent-encode it as a URI component.
    static func page(_ page: PreviewPage.Page) -> Components.Responses.PreviewPage {
        OperationContext.setResponseHeader(.contentType, "text/html; charset=utf-8")
        OperationContext.setResponseHeader(.contentSecurityPolicy, page.contentSecurityPolicy)
        return .init(
            headers: .init(contentSecurityPolicy: page.contentSecurityPolicy, xContentTypeOptions: .nosniff), body: .html(HTTPBody(page.html)))
    }
}
