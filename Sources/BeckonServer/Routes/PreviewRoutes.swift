import BeckonAPI
import BeckonCore
import Foundation
import Hummingbird
import NIOFoundationCompat

/// The engagement previews of the management API (`PreviewPage`): a saved engagement's, with
/// placeholders from the query, and the console's live preview of a creative being edited
/// (nothing is stored).
///
/// Written by hand rather than generated: they answer HTML pages whose
/// `Content-Security-Policy` the generated code would percent-encode as a URI component (its
/// header coding), and a saved engagement's placeholders are any query names. The live
/// preview's body is decoded by the generated `PreviewRequest`.
struct PreviewRoutes {
    let campaigns: any CampaignRepository

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("engagements/:engagementId/preview") { request, context in
            let principal = try context.requireAuthenticated()
            let id = try BrandPaths.id("engagementId", context)
            guard let engagement = try await campaigns.engagement(accountId: principal.accountId, id: id) else {
                throw BeckonError.notFound("engagement \(id)")
            }
            var values: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { values[String(name)] = String(value) }
            return Self.response(PreviewPage.page(for: engagement, values: values))
        }
        group.post("engagements/preview") { request, context in
            _ = try context.requireAuthenticated()
            let body = try await StrictJSON.decode(Components.Schemas.PreviewRequest.self, from: request, context: context)
            return Self.response(
                PreviewPage.page(
                    name: body.name ?? "Preview", id: 0, revision: 0,
                    type: try Representation.convert(body._type ?? .clickToCall, to: EngagementSettings.Kind.self),
                    placement: try Representation.convert(body.placement ?? .toaster, to: EngagementSettings.Placement.self),
                    creative: .init(html: body.creative.html, css: body.creative.css ?? ""),
                    values: body.values?.additionalProperties ?? [:]))
        }
    }

    static func response(_ page: PreviewPage.Page) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: page.contentSecurityPolicy,
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: page.html)))
    }
}
