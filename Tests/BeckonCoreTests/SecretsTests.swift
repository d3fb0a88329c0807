import BeckonCore
import BeckonTesting
import Foundation
import Testing

@Suite struct SecretsTests {
    @Test func passwordHashUsesPBKDF2WithTheRecommendedCostByDefault() {
        let hash = PasswordHasher().hash("correct horse")
        let parts = hash.split(separator: "$")
        #expect(parts.count == 4)
        #expect(parts[0] == "pbkdf2-sha256")
        #expect(Int(parts[1]) == 600_000)
        #expect(!hash.contains("correct horse"))
    }

    @Test func passwordVerifiesOnlyItselfAndReadsCostFromTheHash() {
        let cheap = PasswordHasher(iterations: 1000)
        let hash = cheap.hash("s3cret!")
        #expect(cheap.verify("s3cret!", against: hash))
        #expect(!cheap.verify("s3cret", against: hash))
        // A hasher configured with another cost still verifies: the cost is in the hash.
        #expect(PasswordHasher(iterations: 5).verify("s3cret!", against: hash))
        #expect(!cheap.verify("s3cret!", against: "garbage"))
        #expect(cheap.hash("same") != cheap.hash("same"))
    }

    @Test func generatedPasswordsAreLongAndUnambiguous() {
        let password = PasswordHasher.generatePassword()
        #expect(password.count == 20)
        #expect(!password.contains(where: { "0O1lI".contains($0) }))
    }

    @Test func sealedSecretsOpenOnlyWithTheirKeyAndRecord() throws {
        let box = try SecretBox(masterKey: SecretBox.generateMasterKey())
        let sealed = box.seal("token-secret", boundTo: "k1:token")
        #expect(try box.open(sealed, boundTo: "k1:token") == "token-secret")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("token-secret"))
        #expect(throws: BeckonError.self) { try box.open(sealed, boundTo: "k2:token") }
        let otherBox = try SecretBox(masterKey: SecretBox.generateMasterKey())
        #expect(throws: BeckonError.self) { try otherBox.open(sealed, boundTo: "k1:token") }
        #expect(throws: BeckonError.self) { try SecretBox(masterKey: [1, 2, 3]) }
    }

    @Test func issuedKeyMatchesOnlyItsOwnBearerSecret() throws {
        let issuer = APIKeyIssuer(secretBox: try SecretBox(masterKey: SecretBox.generateMasterKey()), clock: ManualClock())
        let (stored, issued) = issuer.issue(account: try AccountID("acme"), name: "CRM", scopes: [.visitRead])
        let credential = try #require(BearerCredential(token: issued.bearer))
        #expect(credential.keyID == stored.id)
        #expect(stored.matchesBearerSecret(credential.secret))
        #expect(!stored.matchesBearerSecret(credential.secret + "x"))
        #expect(!stored.bearerSecretHash.isEmpty)
        let secrets = try issuer.oauthSecrets(of: stored)
        #expect(secrets.consumerSecret == issued.oauth1.consumerSecret)
        #expect(secrets.tokenSecret == issued.oauth1.tokenSecret)
        #expect(issued.oauth1.token == stored.oauthToken)
    }

    @Test func bearerCredentialParsing() {
        #expect(BearerCredential(token: "bk_k123_sec_ret-x") == BearerCredential(keyID: "k123", secret: "sec_ret-x"))
        for bad in ["", "bk_", "bk_k123", "bk__secret", "bk_k123_", "xx_k123_secret", "bk_" + String(repeating: "a", count: 300)] {
            #expect(BearerCredential(token: bad) == nil)
        }
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
    }

    @Test func scopesParseAndAdminImpliesAll() throws {
        #expect(try Scope.parseList("visit:read, events:write") == [.visitRead, .eventsWrite])
        #expect(throws: BeckonError.self) { try Scope.parseList("visit:read,everything") }
        #expect(throws: BeckonError.self) { try Scope.parseList(" , ") }
        let admin: Set<Scope> = [.admin]
        #expect(Scope.allCases.allSatisfy { admin.permits($0) })
        #expect(!Set<Scope>([.visitRead]).permits(.eventsWrite))
    }
}
