import BeckonCore
import Foundation
import Testing

@Suite struct IdentifierTests {
    @Test(arguments: ["acme", "a1b", "brand-eu-1", "0ab", String(repeating: "a", count: 40)])
    func acceptsAccountIDsOfTheDocumentedForm(_ id: String) throws {
        #expect(try AccountID(id).rawValue == id)
    }

    @Test(arguments: ["ab", "-abc", "Acme", "ac_me", "acme.com", "", String(repeating: "a", count: 41), "ác me"])
    func refusesOtherAccountIDs(_ id: String) {
        #expect(throws: BeckonError.self) { try AccountID(id) }
    }

    @Test func accountIDDecodingValidates() throws {
        #expect(throws: (any Error).self) { try JSONDecoder().decode([AccountID].self, from: Data(#"["NO"]"#.utf8)) }
        #expect(try JSONDecoder().decode([AccountID].self, from: Data(#"["acme"]"#.utf8)) == [try AccountID("acme")])
    }

    @Test func randomTokensAreURLSafeAndAtLeast128Bits() {
        let tokens = (0..<1000).map { _ in RandomToken.make() }
        #expect(Set(tokens).count == 1000)
        for token in tokens {
            #expect(token.count == 22)
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
    }

    @Test func base64URLRoundTrips() {
        for length in 0..<40 {
            let bytes = RandomToken.bytes(length)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.decode("not*base64") == nil)
    }

    @Test func siteOriginsAreNormalized() throws {
        #expect(try Site.normalizeOrigin("HTTPS://WWW.Brand.example") == "https://www.brand.example")
        #expect(try Site.normalizeOrigin("https://brand.example:443/") == "https://brand.example")
        #expect(try Site.normalizeOrigin("http://localhost:3000") == "http://localhost:3000")
        #expect(throws: BeckonError.self) { try Site.normalizeOrigin("https://brand.example/shop") }
        #expect(throws: BeckonError.self) { try Site.normalizeOrigin("javascript:alert(1)") }
    }

    @Test func emailsAreLowerCasedAndChecked() throws {
        #expect(try ConsoleUser.normalizeEmail(" Ana@Brand.Example ") == "ana@brand.example")
        for bad in ["ana", "ana@", "@brand.example", "ana@brand", "a b@brand.example", "ana@@brand.example"] {
            #expect(throws: BeckonError.self) { try ConsoleUser.normalizeEmail(bad) }
        }
    }

    @Test func accountSettingsAreChecked() throws {
        try Account.validate(name: "Acme", timeZone: "America/New_York", currency: "USD")
        #expect(throws: BeckonError.invalidInput(field: "timeZone", reason: "'Mars/Olympus' is not an IANA time zone such as America/New_York")) {
            try Account.validate(name: "Acme", timeZone: "Mars/Olympus", currency: "USD")
        }
        #expect(throws: BeckonError.self) { try Account.validate(name: "Acme", timeZone: "UTC", currency: "usd") }
        #expect(throws: BeckonError.self) { try Account.validate(name: "  ", timeZone: "UTC", currency: "USD") }
    }
}

@Suite struct VisitTokenTests {
    @Test func printsAndParsesAsBase64URLOfItsSixteenBytes() {
        for _ in 0..<1000 {
            let token = VisitToken.random()
            #expect(token.description == Base64URL.encode(token.bytes))
            #expect(VisitToken(token.description) == token)
        }
        #expect(VisitToken("AAAAAAAAAAAAAAAAAAAAAA") == VisitToken(high: 0, low: 0))
        #expect(VisitToken("__________________________".prefix(21) + "w") == VisitToken(high: .max, low: .max))
    }

    @Test func refusesAnythingElse() {
        for text in ["", "short", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAB", "AAAAAAAAAAAAAAAAAAAA+A"] {
            #expect(VisitToken(text) == nil, "\(text)")
        }
    }
}
