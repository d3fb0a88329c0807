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
    static let impDisplay = #"{"type":"impDisplay","campaign":{campaign},"engId":{engId},"revision":{revision},"eContext":[{"type":"engagementContext","id":"1"}]}"#
    static let impAccept = #"{"type":"impAccept","campaign":{campaign},"engId":{engId},"revision":{revision},"eContext":[{"type":"engagementContext","id":"1"}]}"#
    static let impExpanded = #"{"type":"impExpanded","expanded":null,"userInit":null,"actionableItems":null,"campaign":{campaign},"engId":{engId},"revision":{revision}}"#
    static let impTimeout = #"{"type":"impTimeout","campaign":{campaign},"engId":{engId},"revision":{revision}}"#
    static let impClose = #"{"type":"impClose","campaign":{campaign},"engId":{engId},"revision":{revision}}"#

    static func impression(_ template: String, campaign: Int64, engagement: Int64, revision: Int) -> String {
        template.replacingOccurrences(of: "{campaign}", with: String(campaign))
            .replacingOccurrences(of: "{engId}", with: String(engagement))
            .replacingOccurrences(of: "{revision}", with: String(revision))
    }
}
