import BeckonClient
import Foundation

/// The call page's HTML. Everything that came from a request is escaped.
enum Pages {
    enum FieldError: Equatable {
        case phone, consent
        /// Beckon refused to dial the number; another number may work.
        case refused(String)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    static func layout(_ title: String, brand: String, _ body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · \(escape(brand))</title>
        <style>
        body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f3f4f6; color: #111827; }
        header { background: #0f766e; color: #fff; padding: 14px 24px; font-weight: 700; }
        main { max-width: 460px; margin: 32px auto; background: #fff; padding: 24px 28px; border-radius: 12px; box-shadow: 0 4px 20px rgb(0 0 0 / 8%); }
        label { display: block; font-weight: 600; margin: 14px 0 6px; }
        input[type=tel] { width: 100%; box-sizing: border-box; font: inherit; padding: 10px; border: 1px solid #9ca3af; border-radius: 8px; }
        .check { display: flex; gap: 10px; align-items: flex-start; font-weight: 400; }
        .error { color: #b91c1c; font-weight: 600; margin: 6px 0 0; }
        button { margin-top: 18px; font: inherit; font-weight: 600; background: #0f766e; color: #fff; border: 0; border-radius: 8px; padding: 10px 18px; cursor: pointer; }
        .status { font-size: 22px; font-weight: 700; }
        .muted { color: #6b7280; font-size: 14px; }
        </style></head>
        <body><header>\(escape(brand))</header><main>\(body)</main></body></html>
        """
    }

    static func message(_ title: String, _ text: String, brand: String) -> String {
        layout(title, brand: brand, "<h1>\(escape(title))</h1><p>\(escape(text))</p>")
    }

    static func form(_ call: Call, brand: String, error: FieldError?, number: String) -> String {
        let phoneError =
            error == .phone
            ? #"<p class="error" id="phone-error" role="alert">Please enter your number with the country code, e.g. +1 555 010 0123.</p>"# : ""
        var refusedError = ""
        if case .refused(let message) = error {
            refusedError = #"<p class="error" id="dial-refused" role="alert">"# + escape(message) + "</p>"
        }
        let consentError =
            error == .consent ? #"<p class="error" id="consent-error" role="alert">Please agree to be called, or close this window.</p>"# : ""
        return layout(
            "We call you now", brand: brand,
            """
            <h1>We call you now</h1>
            <p>Leave your number and an agent calls you within a minute, free of charge.</p>
            \(refusedError)
            <form method="post" action="/call/\(call.id)">
            <label for="phone">Your phone number</label>
            <input id="phone" name="phone" type="tel" autocomplete="tel" required value="\(escape(number))" placeholder="+1 555 010 0123"\(error == .phone ? #" aria-invalid="true" aria-describedby="phone-error" autofocus"# : " autofocus")>
            \(phoneError)
            <label class="check"><input type="checkbox" name="consent" value="yes"\(error == .consent ? #" aria-describedby="consent-error""# : "")> I agree to be called at this number about my request. We use it for this call only.</label>
            \(consentError)
            <button type="submit">Call me now</button>
            </form>
            <p class="muted">Your agent will see the \(call.pagesForAgent) page\(call.pagesForAgent == 1 ? "" : "s") you looked at, so you need not start from the beginning.</p>
            """)
    }

    static func status(_ call: Call, brand: String) -> String {
        let status = call.status?.rawValue ?? "NOT_STARTED"
        return layout(
            "Your call", brand: brand,
            """
            <h1>Your call</h1>
            <p class="status" id="status" role="status" aria-live="polite">\(escape(label(status)))</p>
            <p class="muted">You can close this window; the website shows the status too.</p>
            <script>
            const labels = \(labelsJSON);
            async function poll() {
              try {
                const answer = await (await fetch("/call/\(call.id)/status", {cache: "no-store"})).json();
                const element = document.getElementById("status");
                element.textContent = labels[answer.status] || answer.status;
                element.dataset.status = answer.status;
                if (!answer.final) setTimeout(poll, 500);
              } catch (e) { setTimeout(poll, 2000); }
            }
            poll();
            </script>
            """)
    }

    static let labels: [String: String] = [
        "NOT_STARTED": "Waiting for your number", "REQUESTED": "Requesting your call…", "QUEUED": "Finding a free agent…",
        "RINGING": "Your phone is ringing", "CONNECTED": "Connected — you are talking to an agent", "ON_HOLD": "On hold",
        "COMPLETED": "Call completed. Thank you!", "NO_ANSWER": "We could not reach you", "BUSY": "Your line was busy",
        "FAILED": "The call could not be placed", "CANCELLED": "The call was cancelled",
    ]

    static func label(_ status: String) -> String { labels[status] ?? status }

    static var labelsJSON: String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }
}
