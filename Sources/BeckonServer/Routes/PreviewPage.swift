import BeckonCore
import Hummingbird

/// `GET …/engagements/{id}/preview`: an HTML page showing the creative as the tag shows it —
/// in a host element with an open shadow root (declarative shadow DOM), placeholders filled
/// from the query (`?name=Ana`) and escaped, with a close button. The page is served with a
/// sandboxing Content-Security-Policy: brand HTML runs in an opaque origin and no script runs,
/// so a creative can never act on Beckon's own origin.
enum PreviewPage {
    static let contentSecurityPolicy =
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; font-src https: data:"

    static func response(for engagement: Engagement, values: [String: String]) -> Response {
        let settings = engagement.settings
        return response(
            name: settings.name, id: engagement.id, revision: engagement.revision, placement: settings.placement,
            creative: settings.creative, values: values)
    }

    /// The page for a creative not saved yet (the console's live preview).
    static func response(
        name: String, id: Int64, revision: Int, placement: EngagementSettings.Placement, creative: EngagementSettings.Creative,
        values: [String: String]
    ) -> Response {
        let html = CreativeRenderer.fill(creative.html, values: values)
        // `</style>` inside brand CSS would end the style element early.
        let css = creative.css.replacingOccurrences(of: "</", with: "<\\/")
        let placement = placement.rawValue
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Preview: \(CreativeRenderer.escape(name)) (revision \(revision))</title>
            <style>
            body { margin: 0; min-height: 100vh; font: 14px system-ui, sans-serif; background: #f3f4f6; }
            .page { padding: 24px; color: #6b7280; }
            [data-beckon-engagement] { position: fixed; z-index: 2147483000; }
            .overlay { inset: 0; display: grid; place-items: center; background: rgb(0 0 0 / 40%); }
            .toaster { right: 16px; bottom: 16px; }
            .slideout { right: 0; top: 30%; }
            .sticky { left: 0; right: 0; bottom: 0; }
            .embedded { position: static; margin: 24px; }
            </style></head>
            <body><div class="page">Preview of a \(placement) engagement\(revision > 0 ? ", revision \(revision)" : " (not saved)").</div>
            <div class="\(placement)" data-beckon-engagement="\(id)" data-beckon-context="preview" role="dialog" aria-label="\(CreativeRenderer.escape(name))">
            <template shadowrootmode="open"><style>
            :host { all: initial; }
            .beckon-frame { position: relative; font: 14px system-ui, sans-serif; }
            .beckon-close { position: absolute; top: 4px; right: 4px; border: 0; background: none; font-size: 18px; cursor: pointer; }
            \(css)
            </style><div class="beckon-frame"><button class="beckon-close" type="button" aria-label="Close">×</button>\(html)</div></template>
            </div></body></html>
            """
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: contentSecurityPolicy,
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
