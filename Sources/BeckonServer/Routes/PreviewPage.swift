import BeckonCore
import Foundation

/// `GET …/engagements/{id}/preview` and the console's live preview: a page on which the website
/// tag itself (`/tag/v1/preview.js`, the same `beckon.js` in preview mode) draws the engagement,
/// so what the console shows is what a visitor sees — one rendering path (SPEC §3, §11).
/// Placeholders are filled by the tag from the given values (`?name=Ana`) and escaped as on a site.
///
/// The page is sandboxed (`sandbox allow-scripts`: an opaque origin, so brand HTML can never act
/// on Beckon's own origin) and only the tag, by its nonce, may run; the same policy is in a meta
/// element for the console, which shows the page in an `<iframe srcdoc sandbox="allow-scripts">`.
enum PreviewPage {
    static func contentSecurityPolicy(nonce: String, sandbox: Bool) -> String {
        (sandbox ? "sandbox allow-scripts; " : "")
            + "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; img-src https: data:; font-src https: data:"
    }

    /// The page and the policy to send with it (`Content-Security-Policy`, with
    /// `X-Content-Type-Options: nosniff`).
    struct Page: Sendable {
        var html: String
        var contentSecurityPolicy: String
    }

    static func page(for engagement: Engagement, values: [String: String]) -> Page {
        let settings = engagement.settings
        return page(
            name: settings.name, id: engagement.id, revision: engagement.revision, type: settings.type,
            placement: settings.placement, creative: settings.creative, values: values)
    }

    /// What the tag's preview mode reads: an engagement as the monitoring API answers it, and the
    /// values for its placeholders.
    struct Contents: Encodable {
        var engagement: MonitoringRoutes.EngagementDetail
        var values: [String: String]
    }

    /// The page for any creative, saved (`id`, `revision`) or not (0, 0: the console's live preview).
    static func page(
        name: String, id: Int64, revision: Int, type: EngagementSettings.Kind = .clickToCall,
        placement: EngagementSettings.Placement, creative: EngagementSettings.Creative, values: [String: String]
    ) -> Page {
        let nonce = RandomToken.make()
        let detail = MonitoringRoutes.EngagementDetail(
            campaignId: 0, engagementId: id, engagementRevision: revision, contextId: "preview", connectorId: id,
            engagementName: name, language: AccountSettings.defaultLanguage, type: type, proactive: true, placement: placement,
            target: placement == .embedded ? "#beckon-preview-slot" : nil, content: creative, openMode: .popup, timeoutSeconds: 0)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Inside <script>: no `<` at all, so neither `</script>` nor `<!--` can end it early.
        let data = String(decoding: (try? encoder.encode(Contents(engagement: detail, values: values))) ?? Data("{}".utf8), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
        let policy = contentSecurityPolicy(nonce: nonce, sandbox: false)
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(policy)">
            <title>Preview: \(CreativeRenderer.escape(name))\(revision > 0 ? " (revision \(revision))" : "")</title>
            <style nonce="\(nonce)">
            body { margin: 0; min-height: 100vh; font: 14px system-ui, sans-serif; background: #f3f4f6; }
            .page { padding: 24px; color: #4b5563; }
            #beckon-preview-slot { margin: 24px; }
            </style></head>
            <body><div class="page">Preview of a \(placement.rawValue) engagement\(revision > 0 ? ", revision \(revision)" : " (not saved)"), as the website tag draws it.</div>
            <div id="beckon-preview-slot"></div>
            <script type="application/json" id="beckon-preview">\(data)</script>
            <script nonce="\(nonce)" src="/tag/v1/preview.js"></script>
            </body></html>
            """
        return Page(html: page, contentSecurityPolicy: contentSecurityPolicy(nonce: nonce, sandbox: true))
    }
}
