import BeckonCore
import Foundation
import Hummingbird

/// Console users of the account (SPEC §9), for admins: list, add (the generated password is in
/// this answer only), change the role, remove. An account always keeps at least one admin; a
/// user whose role changes or who is removed is signed out everywhere.
struct UserRoutes {
    let storage: Storage
    let provisioning: Provisioning

    struct UserView: Encodable, Sendable {
        var id: String
        var email: String
        var role: String
        var createdAt: Date

        init(_ user: ConsoleUser) {
            id = user.id
            email = user.email
            role = user.role.rawValue
            createdAt = user.createdAt
        }
    }

    struct CreateUser: Decodable {
        var email: String
        var role: String
    }

    struct ChangeRole: Decodable {
        var role: String
    }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("users") { request, context in
            let principal = try context.require(.admin)
            let users = try await storage.accounts.users(accountId: principal.accountId)
            return JSONBody(value: try Page(request).slice(users.map(UserView.init)))
        }
        group.post("users") { request, context in
            let principal = try context.require(.admin)
            let body = try await StrictJSON.decode(CreateUser.self, allowedFields: ["email", "role"], from: request, context: context)
            let created = try await provisioning.createUser(accountId: principal.accountId.rawValue, email: body.email, role: body.role)
            return JSONBody(value: created, status: .created)
        }
        group.patch("users/:userId") { request, context in
            let principal = try context.require(.admin)
            let body = try await StrictJSON.decode(ChangeRole.self, allowedFields: ["role"], from: request, context: context)
            guard let role = ConsoleRole(rawValue: body.role) else {
                throw BeckonError.invalidInput(field: "role", reason: "must be admin, campaignManager or analyst")
            }
            let user = try await user(principal, context)
            if role != .admin { try await requireAnotherAdmin(than: user, principal.accountId) }
            try await storage.accounts.updateUserRole(accountId: principal.accountId, userId: user.id, role: role)
            try await storage.consoleSessions.delete(accountId: principal.accountId, userId: user.id)
            var changed = user
            changed.role = role
            return JSONBody(value: UserView(changed))
        }
        group.delete("users/:userId") { _, context in
            let principal = try context.require(.admin)
            let user = try await user(principal, context)
            try await requireAnotherAdmin(than: user, principal.accountId)
            try await storage.accounts.deleteUser(accountId: principal.accountId, userId: user.id)
            try await storage.consoleSessions.delete(accountId: principal.accountId, userId: user.id)
            return Response(status: .noContent)
        }
    }

    private func user(_ principal: Principal, _ context: AppRequestContext) async throws -> ConsoleUser {
        let id = try context.parameters.require("userId")
        guard let user = try await storage.accounts.users(accountId: principal.accountId).first(where: { $0.id == id }) else {
            throw BeckonError.notFound("user '\(id)'")
        }
        return user
    }

    /// Refuses to leave the account without an admin.
    private func requireAnotherAdmin(than user: ConsoleUser, _ account: AccountID) async throws {
        guard user.role == .admin else { return }
        let admins = try await storage.accounts.users(accountId: account).filter { $0.role == .admin && $0.id != user.id }
        guard !admins.isEmpty else {
            throw BeckonError.conflict("the account's only admin cannot be removed or lose the admin role")
        }
    }
}
