import Foundation
import Testing

@testable import BeckonServer

/// The examples of RFC 5849 itself.
@Suite struct OAuth1Tests {
    @Test func baseStringOfSection3_4_1() {
        var parameters = OAuth1.formPairs("b5=%3D%253D&a3=a&c%40=&a2=r%20b") + OAuth1.formPairs("c2&a3=2+q")
        parameters += [
            ("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"), ("oauth_nonce", "7d8f3e4a"),
        ]
        let base = OAuth1.baseString(method: "POST", baseURL: "http://example.com/request", parameters: parameters)
        #expect(
            base
                == "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        )
    }

    @Test func signatureOfSection1_2() throws {
        let header = """
            OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", \
            oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", \
            oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"
            """
        let oauth = try #require(OAuth1.parameters(authorization: header))
        #expect(oauth["oauth_signature"] == "MdpQcU8iPSUjWoN/UDMsK2sui9I=")
        let parameters =
            oauth.filter { $0.key != "oauth_signature" && $0.key != "realm" }.map { ($0.key, $0.value) }
            + OAuth1.formPairs("file=vacation.jpg&size=original")
        let base = OAuth1.baseString(method: "GET", baseURL: "http://photos.example.net/photos", parameters: parameters)
        #expect(
            OAuth1.signature(baseString: base, consumerSecret: "kd94hf93k423kf44", tokenSecret: "pfkkdhi9sl3r4s00")
                == oauth["oauth_signature"])
    }

    @Test func percentEncodingKeepsOnlyUnreservedCharacters() {
        #expect(OAuth1.percentEncode("Ladies + Gentlemen") == "Ladies%20%2B%20Gentlemen")
        #expect(OAuth1.percentEncode("An encoded string!") == "An%20encoded%20string%21")
        #expect(OAuth1.percentEncode("Dogs, Cats & Mice") == "Dogs%2C%20Cats%20%26%20Mice")
        #expect(OAuth1.percentEncode("☃") == "%E2%98%83")
        #expect(OAuth1.percentEncode("-._~az09") == "-._~az09")
    }
}
