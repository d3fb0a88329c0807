/// The JSON examples SPEC.md gives, shared by the tests that check them.
package enum SpecExamples {
    /// The campaign of SPEC §8a.
    package static let campaignJSON = """
        { "name": "Callback for insurance quotes", "status": "live", "priority": 10,
          "goal": { "type": "purchase", "minTotal": 0 },
          "audience": { "platforms": ["desktop", "mobile"], "returning": null, "countries": ["US"] },
          "timeFrame": { "timeZone": "America/New_York", "start": "2026-11-01", "end": null,
                         "weekly": { "mon": [["09:00", "12:30"], ["13:30", "18:00"]], "tue": [["09:00", "18:00"]] },
                         "specialOccasions": [ { "date": "2026-12-25", "hours": [] } ] },
          "controlGroupPercent": 10 }
        """

    /// The engagement of SPEC §8a.
    package static let engagementJSON = """
        { "name": "Call me back banner", "type": "clickToCall", "proactive": true,
          "entryPoint": { "include": [ { "urlContains": "/quote" }, { "section": "insurance" } ],
                          "exclude": [ { "urlRegex": "/quote/(done|cancel)" } ] },
          "behaviour": { "all": [ { "timeOnPageSeconds": 20 }, { "cartTotal": { "min": 100 } } ] },
          "placement": "toaster", "openMode": "popup", "timeoutSeconds": 60,
          "creative": { "html": "<p>Questions? We call you now.</p><button data-beckon-click>Call me</button>", "css": "" },
          "clickToCall": { "brandPageUrl": "https://brand.example/call", "validitySeconds": 600, "maxValidations": 1 } }
        """
}
