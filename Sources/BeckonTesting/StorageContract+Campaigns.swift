import BeckonCore
import Foundation
import Testing

extension StorageContract {
    static let acme = AccountID(trusted: "acme")
    static let globex = AccountID(trusted: "globex")

    static func banner(_ name: String = "Call me back") -> EngagementSettings {
        EngagementSettings(
            name: name, type: .clickToCall, entryPoint: EntryPoint(include: [.urlContains("/quote")]), placement: .toaster,
            creative: .init(html: "<button data-beckon-click>Call me</button>", css: "button{color:red}"),
            clickToCall: .init(brandPageUrl: "https://brand.example/call"))
    }

    static let campaignSettings = CampaignSettings(
        name: "Quotes", status: .live, priority: 10, goal: Goal(type: .purchase, minTotal: 50),
        audience: Audience(platforms: [.desktop], countries: ["US"]),
        timeFrame: TimeFrame(timeZone: "America/New_York", weekly: [.mon: [Shift(startMinute: 540, endMinute: 1080)]]),
        controlGroupPercent: 10)

    static let campaignChecks: [StorageContractCheck] = [
        check("storesCampaignSettingsExactly") { storage in
            try await twoAccounts(storage)
            let created = try await storage.campaigns.createCampaign(accountId: acme, settings: campaignSettings, at: t0)
            #expect(created.settings == campaignSettings)
            #expect(try await storage.campaigns.campaign(accountId: acme, id: created.id) == created)
            #expect(try await storage.campaigns.campaign(accountId: globex, id: created.id) == nil)
        },
        check("listsCampaignsByStatusWithPaging") { storage in
            try await twoAccounts(storage)
            var ids: [Int64] = []
            for index in 0..<5 {
                var settings = campaignSettings
                settings.name = "C\(index)"
                settings.status = index % 2 == 0 ? .live : .paused
                ids.append(try await storage.campaigns.createCampaign(accountId: acme, settings: settings, at: t0).id)
            }
            _ = try await storage.campaigns.createCampaign(accountId: globex, settings: campaignSettings, at: t0)
            let firstPage = try await storage.campaigns.campaigns(accountId: acme, status: nil, afterId: 0, limit: 3)
            #expect(firstPage.map(\.id) == Array(ids.prefix(3)))
            let secondPage = try await storage.campaigns.campaigns(accountId: acme, status: nil, afterId: firstPage.last!.id, limit: 3)
            #expect(secondPage.map(\.id) == Array(ids.suffix(2)))
            let live = try await storage.campaigns.campaigns(accountId: acme, status: .live, afterId: 0, limit: 10)
            #expect(live.map(\.settings.name) == ["C0", "C2", "C4"])
        },
        check("updatesOnlyTheAccountsCampaign") { storage in
            try await twoAccounts(storage)
            let created = try await storage.campaigns.createCampaign(accountId: acme, settings: campaignSettings, at: t0)
            var paused = campaignSettings
            paused.status = .paused
            let updated = try await storage.campaigns.updateCampaign(
                accountId: acme, id: created.id, settings: paused, at: t0.addingTimeInterval(5))
            #expect(updated.settings.status == .paused)
            #expect(updated.updatedAt == t0.addingTimeInterval(5))
            #expect(updated.createdAt == t0)
            #expect(created.revision == 1 && updated.revision == 2, "every change counts the campaign's revision up")
            await #expect(throws: BeckonError.notFound("campaign \(created.id)")) {
                try await storage.campaigns.updateCampaign(accountId: globex, id: created.id, settings: campaignSettings, at: t0)
            }
            let stored = try #require(try await storage.campaigns.campaign(accountId: acme, id: created.id))
            #expect(stored.settings.status == .paused && stored.revision == 2)
        },
        check("engagementRevisionsAreKept") { storage in
            try await twoAccounts(storage)
            let campaign = try await storage.campaigns.createCampaign(accountId: acme, settings: campaignSettings, at: t0)
            let first = try await storage.campaigns.createEngagement(
                accountId: acme, campaignId: campaign.id, settings: banner(), at: t0)
            #expect(first.revision == 1)
            #expect(first.status == .active)
            let second = try await storage.campaigns.updateEngagement(
                accountId: acme, id: first.id, settings: banner("Call me now"), at: t0.addingTimeInterval(60))
            #expect(second.revision == 2)
            #expect(try await storage.campaigns.engagement(accountId: acme, id: first.id)?.settings.name == "Call me now")
            let old = try await storage.campaigns.engagement(accountId: acme, id: first.id, revision: 1)
            #expect(old?.revision == 1)
            #expect(old?.settings == banner())
            #expect(try await storage.campaigns.engagement(accountId: acme, id: first.id, revision: 3) == nil)
            #expect(try await storage.campaigns.engagements(accountId: acme, campaignId: campaign.id).map(\.revision) == [2])
        },
        check("engagementsStayInTheirAccount") { storage in
            try await twoAccounts(storage)
            let campaign = try await storage.campaigns.createCampaign(accountId: acme, settings: campaignSettings, at: t0)
            let engagement = try await storage.campaigns.createEngagement(
                accountId: acme, campaignId: campaign.id, settings: banner(), at: t0)
            await #expect(throws: BeckonError.notFound("campaign \(campaign.id)")) {
                try await storage.campaigns.createEngagement(accountId: globex, campaignId: campaign.id, settings: banner(), at: t0)
            }
            #expect(try await storage.campaigns.engagement(accountId: globex, id: engagement.id) == nil)
            #expect(try await storage.campaigns.engagements(accountId: globex, campaignId: campaign.id).isEmpty)
            await #expect(throws: BeckonError.notFound("engagement \(engagement.id)")) {
                try await storage.campaigns.updateEngagement(accountId: globex, id: engagement.id, settings: banner("x"), at: t0)
            }
            await #expect(throws: BeckonError.notFound("engagement \(engagement.id)")) {
                try await storage.campaigns.archiveEngagement(accountId: globex, id: engagement.id, at: t0)
            }
            #expect(try await storage.campaigns.engagement(accountId: acme, id: engagement.id)?.revision == 1)
        },
        check("archivingKeepsTheEngagementAndItsRevisions") { storage in
            try await twoAccounts(storage)
            let campaign = try await storage.campaigns.createCampaign(accountId: acme, settings: campaignSettings, at: t0)
            let engagement = try await storage.campaigns.createEngagement(
                accountId: acme, campaignId: campaign.id, settings: banner(), at: t0)
            let archived = try await storage.campaigns.archiveEngagement(accountId: acme, id: engagement.id, at: t0)
            #expect(archived.status == .archived)
            #expect(archived.revision == 1)
            #expect(try await storage.campaigns.engagement(accountId: acme, id: engagement.id, revision: 1)?.settings == banner())
        },
    ]
}

extension StorageContract {
    static let settingsChecks: [StorageContractCheck] = [
        check("accountSettingsDefaultThenRoundTrip") { storage in
            try await twoAccounts(storage)
            #expect(try await storage.accounts.settings(accountId: acme) == AccountSettings(timeZone: "Europe/Berlin", currency: "EUR"))
            var changed = AccountSettings(timeZone: "Asia/Tokyo", currency: "JPY")
            changed.caps = .init(mode: .separate, perVisit: nil, perVisitChat: 1, perVisitContent: nil, afterDecline: .suppressAll)
            changed.crossSessionDays = 31
            try await storage.accounts.updateSettings(accountId: acme, changed)
            #expect(try await storage.accounts.settings(accountId: acme) == changed)
            #expect(try await storage.accounts.account(id: acme)?.timeZone == "Asia/Tokyo")
            #expect(try await storage.accounts.settings(accountId: globex)?.timeZone == "Europe/Berlin")
            #expect(try await storage.accounts.settings(accountId: AccountID(trusted: "nobody")) == nil)
            await #expect(throws: BeckonError.unknownAccount("nobody")) {
                try await storage.accounts.updateSettings(accountId: AccountID(trusted: "nobody"), changed)
            }
        }
    ]
}
