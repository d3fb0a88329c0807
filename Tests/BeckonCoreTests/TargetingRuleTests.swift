import BeckonCore
import Foundation
import Testing

@Suite struct TargetingRuleTests {
    static let quote = VisitFacts(url: "https://brand.example/quote/car?step=2", sections: ["Insurance"])

    @Test func entryPointIncludesAndExcludes() throws {
        let entry = try CompiledEntryPoint(
            EntryPoint(
                include: [.urlContains("/QUOTE"), .section("checkout")], exclude: [.urlRegex("/quote/(done|cancel)")]))
        #expect(entry.matches(Self.quote))
        #expect(entry.matches(VisitFacts(url: "https://brand.example/cart", sections: ["Checkout"])))
        #expect(!entry.matches(VisitFacts(url: "https://brand.example/quote/done")))
        #expect(!entry.matches(VisitFacts(url: "https://brand.example/about")))
        #expect(try CompiledEntryPoint(EntryPoint()).matches(Self.quote), "no include rule matches every page")
        let exact = try CompiledEntryPoint(EntryPoint(include: [.urlExact("https://brand.example/")]))
        #expect(exact.matches(VisitFacts(url: "https://brand.example/")))
        #expect(!exact.matches(VisitFacts(url: "https://brand.example/?x=1")))
    }

    @Test func entryPointRulesDecodeFromTheSpecShape() throws {
        let json = #"{"include":[{"urlContains":"/quote"},{"section":"insurance"}],"exclude":[{"urlRegex":"/quote/(done|cancel)"}]}"#
        let entry = try JSONDecoder().decode(EntryPoint.self, from: Data(json.utf8))
        #expect(entry == EntryPoint(include: [.urlContains("/quote"), .section("insurance")], exclude: [.urlRegex("/quote/(done|cancel)")]))
        #expect(try JSONDecoder().decode(EntryPoint.self, from: JSONEncoder().encode(entry)) == entry)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EntryPoint.self, from: Data(#"{"include":[{"urlContains":"a","section":"b"}]}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EntryPoint.self, from: Data(#"{"include":[{"urlStartsWith":"a"}]}"#.utf8))
        }
    }

    @Test func badRegexIsRefusedNamingTheRule() {
        #expect(throws: BeckonError.invalidInput(field: "entryPoint.exclude[1]", reason: "'/quote/(done' is not a valid regular expression")) {
            try EntryPoint(exclude: [.urlContains("x"), .urlRegex("/quote/(done")]).validate()
        }
        #expect(throws: BeckonError.self) { try EntryPoint(include: [.urlRegex(String(repeating: "a", count: 301))]).validate() }
        #expect(throws: BeckonError.self) { try EntryPoint(include: [.urlContains("")]).validate() }
    }

    @Test func audienceConditionsAllHold() throws {
        let audience = Audience(platforms: [.desktop, .mobile], returning: true, countries: ["US"], ipRanges: ["203.0.113.0/24", "2001:db8::/32"])
        try audience.validate()
        var facts = VisitFacts(url: "https://b.example", platform: .mobile, country: "US", ipAddress: "203.0.113.77", returning: true)
        #expect(audience.matches(facts))
        facts.ipAddress = "2001:db8:1::5"
        #expect(audience.matches(facts))
        facts.ipAddress = "198.51.100.1"
        #expect(!audience.matches(facts))
        facts.ipAddress = "203.0.113.1"
        facts.platform = .tablet
        #expect(!audience.matches(facts))
        facts.platform = .desktop
        facts.country = nil
        #expect(!audience.matches(facts), "unknown country does not match a country list")
        facts.country = "US"
        facts.returning = false
        #expect(!audience.matches(facts))
        #expect(Audience().matches(facts))
        let language = Audience(languages: ["en"])
        #expect(language.matches(VisitFacts(url: "u", language: "en-US")))
        #expect(!language.matches(VisitFacts(url: "u", language: "es")))
    }

    @Test func audienceValidationNamesTheField() {
        #expect(throws: BeckonError.invalidInput(field: "audience.countries[1]", reason: "'usa' is not an ISO 3166 code such as US")) {
            try Audience(countries: ["DE", "usa"]).validate()
        }
        #expect(throws: BeckonError.self) { try Audience(ipRanges: ["10.0.0.0/33"]).validate() }
        #expect(throws: BeckonError.self) { try Audience(ipRanges: ["not-an-ip"]).validate() }
        #expect(throws: BeckonError.self) { try Audience(platforms: []).validate() }
    }

    @Test func behaviourWaitsForTimeOnPageAndFailsOnTheRest() throws {
        let json = #"{"all":[{"timeOnPageSeconds":20},{"cartTotal":{"min":100}},{"pageCount":{"min":2}}]}"#
        let behaviour = try JSONDecoder().decode(Behaviour.self, from: Data(json.utf8))
        try behaviour.validate()
        var facts = VisitFacts(url: "u", pageCount: 2, secondsOnPage: 5, cartTotal: 150)
        #expect(behaviour.evaluate(facts) == .pending(seconds: 15))
        facts.secondsOnPage = 20
        #expect(behaviour.evaluate(facts) == .matches)
        facts.cartTotal = 99
        #expect(behaviour.evaluate(facts) == .fails)
        facts.cartTotal = nil
        #expect(behaviour.evaluate(facts) == .fails)
        facts.cartTotal = 100
        facts.pageCount = 1
        #expect(behaviour.evaluate(facts) == .fails, "waiting cannot fix a failing rule")
        let visited = Behaviour(all: [.visitedURLContains("/pricing")])
        #expect(visited.evaluate(VisitFacts(url: "/now", visitedURLs: ["/home", "/Pricing/pro", "/now"])) == .matches)
        #expect(try JSONDecoder().decode(Behaviour.self, from: JSONEncoder().encode(behaviour)) == behaviour)
    }

    @Test func behaviourValidation() {
        #expect(throws: BeckonError.invalidInput(field: "behaviour.all[0].cartTotal.max", reason: "10.0 is below min 50.0")) {
            try Behaviour(all: [.cartTotal(min: 50, max: 10)]).validate()
        }
        #expect(throws: BeckonError.self) { try Behaviour(all: [.timeOnPageSeconds(-1)]).validate() }
        #expect(throws: BeckonError.self) { try Behaviour(all: [.cartTotal(min: nil, max: nil)]).validate() }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Behaviour.self, from: Data(#"{"all":[{"mood":"happy"}]}"#.utf8))
        }
    }
}

@Suite struct MoreTargetingRuleTests {
    static func decode(_ json: String) throws -> Behaviour {
        let behaviour = try JSONDecoder().decode(Behaviour.self, from: Data(json.utf8))
        try behaviour.validate()
        #expect(try JSONDecoder().decode(Behaviour.self, from: JSONEncoder().encode(behaviour)) == behaviour)
        return behaviour
    }

    @Test func flowNeedsThePagesInOrder() throws {
        let flow = try Self.decode(#"{"all":[{"flow":["/home","/pricing","/checkout"]}]}"#)
        #expect(flow.evaluate(VisitFacts(url: "c", visitedURLs: ["/home", "/blog", "/pricing", "/checkout"])) == .matches)
        #expect(flow.evaluate(VisitFacts(url: "c", visitedURLs: ["/pricing", "/home", "/checkout"])) == .fails)
        #expect(throws: BeckonError.self) { try Behaviour(all: [.flow(["/only-one"])]).validate() }
    }

    @Test func cartProductsErrorsAndServiceRules() throws {
        let behaviour = try Self.decode(
            #"{"all":[{"cartDecreased":true},{"productInCart":"SKU-1"},{"viewedProduct":"tv"},{"visitorError":"payment"},{"serviceActivity":""},{"notVisitedUrlContains":"/thanks"}]}"#
        )
        var facts = VisitFacts(
            url: "/cart", cartDecreased: true, cartProducts: ["sku-12 phone"], viewedProducts: ["OLED TV"],
            errors: ["Payment declined"], serviceTopics: ["billing"])
        #expect(behaviour.evaluate(facts) == .matches)
        facts.serviceTopics = []
        #expect(behaviour.evaluate(facts) == .fails, "an empty text still needs some service activity")
        facts.serviceTopics = ["x"]
        facts.visitedURLs = ["/thanks", "/cart"]
        #expect(behaviour.evaluate(facts) == .fails)
        #expect(throws: DecodingError.self) { try Self.decode(#"{"all":[{"cartEmptied":false}]}"#) }
        #expect(try Self.decode(#"{"all":[{"cartEmptied":true}]}"#).evaluate(VisitFacts(url: "u", cartEmptied: true)) == .matches)
    }

    @Test func engagementHistoryAndAlreadyCalled() throws {
        let behaviour = try Self.decode(#"{"all":[{"notEngagedInVisit":"declined"},{"engagedInVisit":"exposed"},{"notCalledWithinDays":7}]}"#)
        #expect(behaviour.evaluate(VisitFacts(url: "u", exposedInVisit: true)) == .matches)
        #expect(behaviour.evaluate(VisitFacts(url: "u", exposedInVisit: true, declinedInVisit: true)) == .fails)
        #expect(behaviour.evaluate(VisitFacts(url: "u", exposedInVisit: true, daysSinceLastCall: 3)) == .fails)
        #expect(behaviour.evaluate(VisitFacts(url: "u", exposedInVisit: true, daysSinceLastCall: 8)) == .matches)
        let called = Behaviour(all: [.calledWithinDays(7)])
        #expect(called.evaluate(VisitFacts(url: "u")) == .fails)
        #expect(called.evaluate(VisitFacts(url: "u", daysSinceLastCall: 6.5)) == .matches)
        #expect(throws: BeckonError.self) { try Behaviour(all: [.notCalledWithinDays(0)]).validate() }
    }

    @Test func audienceSearchMarketingCustomerAndPersonal() throws {
        let json = """
            {"searchKeywords":["car insurance"],"marketingSources":["Newsletter"],
             "customer":{"types":["vip"],"balanceMin":100},"personal":{"ageMin":18,"ageMax":65,"genders":["female"]}}
            """
        let audience = try JSONDecoder().decode(Audience.self, from: Data(json.utf8))
        try audience.validate()
        var facts = VisitFacts(
            url: "u", searchKeywords: ["cheap car insurance quote"], marketingSource: "newsletter", customerType: "VIP",
            customerBalance: 250, age: 40, gender: "Female")
        #expect(audience.matches(facts))
        facts.customerBalance = 50
        #expect(!audience.matches(facts))
        facts.customerBalance = 250
        facts.age = nil
        #expect(!audience.matches(facts), "an unknown age does not match an age range")
        facts.age = 40
        facts.marketingSource = nil
        #expect(!audience.matches(facts))
        #expect(throws: BeckonError.self) { try Audience(personal: .init(ageMin: 50, ageMax: 20)).validate() }
        #expect(throws: BeckonError.self) { try Audience(customer: .init(balanceMin: 10, balanceMax: 5)).validate() }
    }
}
