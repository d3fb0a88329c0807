import BeckonCore
import BeckonTesting
import Foundation
import Testing

@Suite struct CampaignValidationTests {
    static let callMeBack = EngagementSettings(
        name: "Call me back banner", type: .clickToCall,
        entryPoint: EntryPoint(include: [.urlContains("/quote")]), behaviour: Behaviour(all: [.timeOnPageSeconds(20)]),
        placement: .toaster, openMode: .popup, timeoutSeconds: 60,
        creative: .init(html: "<p>Questions? We call you now.</p><button data-beckon-click>Call me</button>"),
        clickToCall: .init(brandPageUrl: "https://brand.example/call"))

    static func failure(_ body: () throws -> Void) -> BeckonError? {
        do { try body() } catch { return error as? BeckonError }
        return nil
    }

    @Test func theSpecExamplesAreValid() throws {
        try Self.callMeBack.validate()
        let json = SpecExamples.campaignJSON
        let campaign = try JSONDecoder().decode(CampaignSettings.self, from: Data(json.utf8))
        try campaign.validate()
        #expect(campaign.status == .live)
        #expect(campaign.audience?.countries == ["US"])
        let engagementJSON = SpecExamples.engagementJSON
        let engagement = try JSONDecoder().decode(EngagementSettings.self, from: Data(engagementJSON.utf8))
        try engagement.validate()
        #expect(engagement.clickToCall == .init(brandPageUrl: "https://brand.example/call"))
    }

    @Test func campaignFieldsAreChecked() {
        #expect(Self.failure { try CampaignSettings(name: "").validate() } == .invalidInput(field: "name", reason: "must be 1 to 200 characters"))
        // Limits count code points, as the document's JSON Schema `maxLength` does: 101 characters
        // of two code points each are too long.
        #expect(
            Self.failure { try CampaignSettings(name: String(repeating: "e\u{301}", count: 101)).validate() }
                == .invalidInput(field: "name", reason: "must be 1 to 200 characters"))
        #expect(
            Self.failure { try CampaignSettings(name: "A", controlGroupPercent: 30).validate() }
                == .invalidInput(field: "controlGroupPercent", reason: "must be 0 to 25"))
        #expect(Self.failure { try CampaignSettings(name: "A", priority: 5000).validate() }?.description.contains("priority") == true)
        #expect(
            Self.failure { try CampaignSettings(name: "A", goal: Goal(type: .pageURL)).validate() }
                == .invalidInput(field: "goal.urlContains", reason: "is required for a pageURL goal"))
        #expect(
            Self.failure { try CampaignSettings(name: "A", timeFrame: TimeFrame(timeZone: "Nowhere/City")).validate() }?
                .description.contains("timeFrame.timeZone") == true)
    }

    @Test(arguments: [
        ("http://brand.example/call", "must use https (http only for localhost)"),
        ("ftp://brand.example/call", "must use https (http only for localhost)"),
        ("/call", "'/call' is not an absolute URL"),
    ])
    func brandPageMustBeHTTPS(_ url: String, _ reason: String) {
        var settings = Self.callMeBack
        settings.clickToCall?.brandPageUrl = url
        #expect(Self.failure { try settings.validate() } == .invalidInput(field: "clickToCall.brandPageUrl", reason: reason))
    }

    @Test func localhostBrandPageMayUseHTTP() throws {
        var settings = Self.callMeBack
        settings.clickToCall?.brandPageUrl = "http://localhost:9090/call"
        try settings.validate()
    }

    @Test func engagementFieldsAreChecked() {
        var settings = Self.callMeBack
        settings.clickToCall = nil
        #expect(Self.failure { try settings.validate() }?.description.contains("clickToCall") == true)
        settings = Self.callMeBack
        settings.type = .content
        #expect(
            Self.failure { try settings.validate() }
                == .invalidInput(field: "clickToCall", reason: "only a clickToCall engagement has click-to-call settings"))
        settings = Self.callMeBack
        settings.placement = .embedded
        #expect(Self.failure { try settings.validate() }?.description.contains("invalid target") == true)
        settings.target = "#call-box"
        #expect(Self.failure { try settings.validate() } == nil)
        settings.timeoutSeconds = 7200
        #expect(Self.failure { try settings.validate() }?.description.contains("timeoutSeconds") == true)
        settings = Self.callMeBack
        settings.creative.html = String(repeating: "x", count: 70_000)
        #expect(Self.failure { try settings.validate() }?.description.contains("invalid creative") == true)
        settings = Self.callMeBack
        settings.clickToCall?.validitySeconds = 5
        #expect(Self.failure { try settings.validate() }?.description.contains("validitySeconds") == true)
        settings = Self.callMeBack
        settings.entryPoint = EntryPoint(include: [.urlRegex("(")])
        #expect(Self.failure { try settings.validate() }?.description.contains("entryPoint.include[0]") == true)
    }

    @Test func clickToCallDefaultsApplyWhenLeftOut() throws {
        let settings = try JSONDecoder().decode(
            EngagementSettings.ClickToCall.self, from: Data(#"{"brandPageUrl":"https://b.example/c"}"#.utf8))
        #expect(settings.validitySeconds == 600)
        #expect(settings.maxValidations == 1)
    }
}
