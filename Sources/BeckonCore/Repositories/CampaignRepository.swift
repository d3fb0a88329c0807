package import Foundation

/// Campaigns and their engagements, with every engagement revision kept (reports refer to the
/// revision a display was made under). Ids are unique in the account; every verb is scoped to
/// the account, so another account's id is simply not found.
package protocol CampaignRepository: Sendable {
    func createCampaign(accountId: AccountID, settings: CampaignSettings, at: Date) async throws -> Campaign
    func campaign(accountId: AccountID, id: Int64) async throws -> Campaign?
    /// Campaigns in id order after `afterId`, optionally of one status.
    func campaigns(accountId: AccountID, status: Campaign.Status?, afterId: Int64, limit: Int) async throws -> [Campaign]
    /// Replaces the settings; throws `.notFound` when the account has no such campaign.
    func updateCampaign(accountId: AccountID, id: Int64, settings: CampaignSettings, at: Date) async throws -> Campaign

    /// Revision 1 of a new engagement; throws `.notFound` when the campaign is not the account's.
    func createEngagement(
        accountId: AccountID, campaignId: Int64, settings: EngagementSettings, at: Date
    ) async throws
        -> Engagement
    /// The current revision.
    func engagement(accountId: AccountID, id: Int64) async throws -> Engagement?
    /// A past or current revision.
    func engagement(accountId: AccountID, id: Int64, revision: Int) async throws -> Engagement?
    func engagements(accountId: AccountID, campaignId: Int64) async throws -> [Engagement]
    /// Stores `settings` as the next revision, keeping the old ones.
    func updateEngagement(accountId: AccountID, id: Int64, settings: EngagementSettings, at: Date) async throws -> Engagement
    /// Marks the engagement archived (its revisions stay for reports).
    func archiveEngagement(accountId: AccountID, id: Int64, at: Date) async throws -> Engagement
}
