import Foundation

/// Request bodies exactly as LivePerson's developer documentation gives them (public repository
/// LivePersonInc/developer-center, pages/Documents/WebsiteMonitoring/…), so the tests send what a
/// strict LivePerson client sends. Ids in impression events are replaced by the test's own
/// (`{campaign}`, `{engId}`, `{revision}`); everything else is as documented.
enum LivePersonExamples {
    /// MonitoringAPI/Methods/engagement.md, "Example Body Entity".
    static let engagementBody = #"""
        {
         "clientProperties":{
           "osName": "MAC_OSX",
           "osVersion": "1.2",
           "appVersion": "1.0",
           "deviceFamily": "MOBILE",
           "ipAddress": "192.168.5.2"
         },
         "consumerId":"uniqueIdInBrand",
         "identities": [
           {
                "iss": "LivePerson",
                "acr": "0",
                "sub": "identifierForNoAuth"
            },
            {
                "iss": "TMO",
                "acr": "loa1",
                "sub": "identifierForAuth"
            }
         ],
         "entryPoints":[
           "tel://972737004000",
           "http://www.liveperson.com",
           "sec://Sport",
           "lang://English"
         ],
         "engagementAttributes": [
           {
             "type": "personal",
             "personal": {
               "contacts": [{"email":"user123@gmail.com","phone":"12345678"},{"email":"aaa@domain.co.il","phone":"98765430"}],
               "age": {
                 "age":30.0,
                 "year":1985,
                 "month":7,
                 "day":22
               },
               "firstname": "test",
               "lastname": "test2",
               "gender": "FEMALE",
               "company": "liveperson"
             }
           }
         ]
        }
        """#

    /// MonitoringAPI/Methods/report.md, "Example Body Entity".
    static let reportBody = #"""
        {
         "consumerId":"myConsumerId",
         "identities": [
           {
                "iss": "LivePerson",
                "acr": "0",
                "sub": "identifierForNoAuth"
            },
            {
                "iss": "TMO",
                "acr": "loa1",
                "sub": "identifierForAuth"
            }
         ],
         "pageId": "4743822558",
         "entryPoints":[
           "tel://972737004000",
           "http://www.brand.com",
           "sec://Sport",
           "lang://English"
         ],
         "engagementAttributes": [
           {
               "type": "purchase",
               "total": 11.7,
               "orderId": "DRV1534XC"
            },
            {
               "type": "lead",
                   "lead": {
                   "topic": "luxury car test drive 2015",
                   "value": 22.22,
                   "leadId": "xyz123"
               }
           }
         ]
        }
        """#

    /// MonitoringAPI/Methods/report.md, the impression events (ImpressionAcceptEvent,
    /// ImpressionDisplayEvent carry eContext; the expanded, timeout and close events do not).
    static let impDisplay =
        #"{"type":"impDisplay","campaign":{campaign},"engId":{engId},"revision":{revision},"eContext":[{"type":"engagementContext","id":"1"}]}"#
    static let impAccept =
        #"{"type":"impAccept","campaign":{campaign},"engId":{engId},"revision":{revision},"eContext":[{"type":"engagementContext","id":"1"}]}"#
    static let impExpanded =
        #"{"type":"impExpanded","expanded":null,"userInit":null,"actionableItems":null,"campaign":{campaign},"engId":{engId},"revision":{revision}}"#
    static let impTimeout = #"{"type":"impTimeout","campaign":{campaign},"engId":{engId},"revision":{revision}}"#
    static let impClose = #"{"type":"impClose","campaign":{campaign},"engId":{engId},"revision":{revision}}"#

    static func impression(_ template: String, campaign: Int64, engagement: Int64, revision: Int) -> String {
        template.replacingOccurrences(of: "{campaign}", with: String(campaign))
            .replacingOccurrences(of: "{engId}", with: String(engagement))
            .replacingOccurrences(of: "{revision}", with: String(revision))
    }

    /// EngagementAttributes/types-of-engagement-attributes.md: the ten SDE JSON examples, with
    /// their explanatory comments taken out (they are not JSON).
    static let tenSDEs: [String] = [
        #"{"type":"cart","total":11.7,"currency":"USD","numItems":6,"products":[{"product":{"name":"prod1","category":"category","sku":"sku","price":7.8},"quantity":1}]}"#,
        #"{"type":"purchase","total":11.7,"currency":"USD","orderId":"DRV1534XC","cart":{"products":[{"product":{"name":"antivirus pro plan","category":"software","sku":"xyz001","price":7.8},"quantity":3}]}}"#,
        #"{"type":"prodView","currency":"USD","products":[{"product":{"name":"red high heel shoe","category":"women shoes","sku":"xyz567","price":77.8,"statusInStock":"low","quantityInStock":7}}]}"#,
        #"{"type":"ctmrinfo","info":{"cstatus":"cancelled","ctype":"vip","customerId":"138766AC","balance":-400.99,"currency":"USD","socialId":"11256324780","imei":"3543546543545688","userName":"user000","companySize":500,"companyBranch":"East Village","accountName":"bank corp","role":"broker","lastPaymentDate":{"day":15,"month":10,"year":2014},"registrationDate":{"day":23,"month":5,"year":2013},"storeNumber":"123865","storeZipCode":"20505"}}"#,
        #"{"type":"mrktInfo","info":{"channel":"1","affiliate":"Yahoo","campaignId":"US coupon campaign"}}"#,
        #"{"type":"personal","personal":{"firstname":"John","lastname":"Doe","age":{"age":34,"year":1980,"month":4,"day":15},"contacts":[{"email":"myname@example.com","phone":"+1 212-788-8877","address":{"country":"Russia","region":"Moscow"}}],"gender":"MALE","language":"en-US","company":"company"}}"#,
        #"{"type":"lead","lead":{"topic":"luxury car test drive 2015","value":22.22,"currency":"USD","leadId":"xyz123"}}"#,
        #"{"type":"service","service":{"topic":"order checkbook","status":0,"category":"finance","serviceId":"service12"}}"#,
        #"{"type":"error","error":{"contextId":"Credit card application","message":"Expiration date missing","code":"er100004","level":10,"resolved":false}}"#,
        #"{"type":"searchInfo","keywords":["Reset password"]}"#,
    ]
}
