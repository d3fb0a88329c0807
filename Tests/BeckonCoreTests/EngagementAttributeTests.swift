import BeckonCore
import Foundation
import Testing

@Suite struct EngagementAttributeTests {
    static func decode(_ json: String) throws -> [EngagementAttribute] {
        try JSONDecoder().decode([EngagementAttribute].self, from: Data(json.utf8))
    }

    /// One example of each of LivePerson's ten types, with their documented shapes, and Beckon's convStatus.
    static let allTypes = """
        [
          {"type":"cart","total":11.7,"currency":"USD","numItems":6,
           "products":[{"product":{"name":"prod1","category":"category","sku":"sku","price":7.8},"quantity":1}]},
          {"type":"purchase","total":11.7,"currency":"USD","orderId":"DRV1534XC",
           "cart":{"products":[{"product":{"name":"prod1","category":"category","sku":"sku","price":7.8},"quantity":3}]}},
          {"type":"prodView","currency":"USD","products":[{"product":{"name":"prod1","category":"category","sku":"sku","price":7.8,"statusInStock":"IN_STOCK"}}]},
          {"type":"ctmrinfo","info":{"cstatus":"cancelled","ctype":"vip","customerId":"138766AC","balance":-400.99,"currency":"USD",
           "socialId":"11256324780","imei":"3543546543545688","userName":"user000","companySize":500,"accountName":"bank corp",
           "role":"broker","lastPaymentDate":{"day":15,"month":10,"year":2014},"registrationDate":{"day":23,"month":5,"year":2013}}},
          {"type":"mrktInfo","info":{"channel":"1","affiliate":"Yahoo","campaignId":"US english"}},
          {"type":"personal","personal":{"firstname":"John","lastname":"Doe","age":{"age":34,"year":1980,"month":4,"day":15},
           "contacts":[{"email":"john@example.com","phone":"+1 212 555 0100","phoneType":"MOBILE","address":{"country":"US","region":"NY"}}],
           "gender":"MALE","company":"company","language":"en-US"}},
          {"type":"lead","lead":{"topic":"luxury car test drive 2015","value":22.22,"currency":"USD","leadId":"xyz123"}},
          {"type":"service","service":{"topic":"order checkbook","status":0,"category":"finance","serviceId":"service12"}},
          {"type":"error","error":{"contextId":"errorForm","message":"Expired credit card","code":"er100004","level":10,"resolved":false}},
          {"type":"searchInfo","keywords":["credit card","quote"]},
          {"type":"convStatus","contextId":"3","status":"CONNECTED","callId":"c-1","agentId":"a-7","durationSeconds":0}
        ]
        """

    @Test func decodesEveryDocumentedTypeAndKeepsItExactly() throws {
        let attributes = try Self.decode(Self.allTypes)
        #expect(
            attributes.map(\.type) == [
                "cart", "purchase", "prodView", "ctmrinfo", "mrktInfo", "personal", "lead", "service", "error", "searchInfo", "convStatus",
            ])
        #expect(attributes[0].fields["total"] == .number(11.7))
        #expect(attributes[3].fields["info"]?["balance"]?.number == -400.99)
        #expect(attributes[5].fields["personal"]?["contacts"]?.array?.first?["phoneType"] == .string("MOBILE"))
        let reencoded = try JSONDecoder().decode([EngagementAttribute].self, from: JSONEncoder().encode(attributes))
        #expect(reencoded == attributes)
    }

    @Test func unknownFieldsAndUnknownTypesAreKept() throws {
        let attributes = try Self.decode(
            #"[{"type":"cart","total":1,"numItems":1,"giftWrap":{"paper":"gold"},"x":[1,null,true]},{"type":"loyalty","tier":"gold"}]"#)
        #expect(attributes[0].fields["giftWrap"]?["paper"] == .string("gold"))
        #expect(attributes[0].fields["x"] == .array([.number(1), .null, .bool(true)]))
        #expect(attributes[1].type == "loyalty")
        let text = String(decoding: try JSONEncoder().encode(attributes[0]), as: UTF8.self)
        #expect(text.contains(#""giftWrap":{"paper":"gold"}"#))
    }

    @Test func numbersAndIdsSentAsTextOrNumbersAreAccepted() throws {
        let attributes = try Self.decode(#"[{"type":"purchase","total":"12.50","orderId":98765}]"#)
        #expect(attributes[0].fields["total"]?.number == 12.5)
    }

    @Test(arguments: [
        (#"{"total":1}"#, "invalid type: every engagement attribute has a type such as cart or purchase"),
        (#"{"type":"cart","numItems":2}"#, "invalid cart.total: is required"),
        (#"{"type":"cart","total":"lots","numItems":2}"#, "invalid cart.total: must be a number"),
        (#"{"type":"cart","total":3,"numItems":2.5}"#, "invalid cart.numItems: must be a whole number"),
        (#"{"type":"lead","lead":"hot"}"#, "invalid lead.lead: must be an object"),
        (#"{"type":"searchInfo"}"#, "invalid searchInfo.keywords: is required"),
        (#"{"type":"error","error":{"resolved":"no"}}"#, "invalid error.error.resolved: must be true or false"),
        (#"{"type":"convStatus","contextId":"1"}"#, "invalid convStatus.status: is required"),
    ])
    func contradictionsOfTheDocumentedShapeAreRefusedByName(_ json: String, _ message: String) {
        do {
            _ = try Self.decode("[\(json)]")
            Issue.record("accepted \(json)")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct JSONValueParsingTests {
    @Test func parsingGivesWhatDecodingGives() throws {
        let text = #"{"a":true,"b":1,"c":1.5,"d":0,"e":false,"f":null,"g":[1,"x",{"h":-2e3}],"i":"ü\n"}"#
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try JSONValue(parsing: Data(text.utf8)) == decoded)
        #expect(try JSONValue(parsing: Data("true".utf8)) == .bool(true))
        #expect(try JSONValue(parsing: Data("127".utf8)) == .number(127))
    }
}
