import BeckonAPI
import BeckonCore

/// Console users of the account (SPEC §9), for admins: list, add (the generated password is in
/// this answer only), change the role, remove. An account always keeps at least one admin; a
/// user whose role changes or who is removed is signed out everywhere.
extension APIHandler {
    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let principal = try OperationContext.require(.admin)
        let page = try Page(cursor: input.query.cursor, limit: input.query.limit)
        let users = page.window(try await storage.accounts.users(accountId: principal.accountId))
        return .ok(
            .init(body: .json(.init(items: users.items.map(Components.Schemas.ConsoleUser.init), nextCursor: users.nextCursor))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        let principal = try OperationContext.require(.admin)
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let created = try await provisioning.createUser(
            accountId: principal.accountId.rawValue, email: body.email, role: ConsoleRole(body.role).rawValue)
        return .created(
            .init(
                body: .json(
                    .init(
                        id: created.id, accountId: created.accountId, email: created.email, role: created.role,
                        password: created.password))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        let principal = try OperationContext.require(.admin)
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let role = ConsoleRole(body.role)
        let user = try await user(input.path.userId, principal)
        if role != .admin { try await requireAnotherAdmin(than: user, principal.accountId) }
        try await storage.accounts.updateUserRole(accountId: principal.accountId, userId: user.id, role: role)
        try await storage.consoleSessions.delete(accountId: principal.accountId, userId: user.id)
        var changed = user
        changed.role = role
        return .ok(.init(body: .json(.init(changed))))
    }

    func deleteUser(_ input: Operations.DeleteUser.Input) async throws -> Operations.DeleteUser.Output {
        let principal = try OperationContext.require(.admin)
        let user = try await user(input.path.userId, principal)
        try await requireAnotherAdmin(than: user, principal.accountId)
        try await storage.accounts.deleteUser(accountId: principal.accountId, userId: user.id)
        try await storage.consoleSessions.delete(accountId: principal.accountId, userId: user.id)
        return .noContent(.init())
    }

    private func user(_ id: String, _ principal: Principal) async throws -> ConsoleUser {
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

extension Components.Schemas.ConsoleUser {
    init(_ user: ConsoleUser) {
        self.init(id: user.id, email: user.email, role: .init(user.role), createdAt: user.createdAt)
    }
}
