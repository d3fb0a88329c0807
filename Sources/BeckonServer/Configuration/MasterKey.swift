package import BeckonCore
import BeckonStorage
import Foundation

extension BeckonConfiguration {
    /// The master key that seals OAuth secrets: `secrets.masterKey` when given; else the file
    /// `secrets.masterKeyFile` (default: `master.key` beside the SQLite database), created with
    /// a random key and mode 0600 when missing and the driver is SQLite. PostgreSQL deployments
    /// must give every node the same key, so Beckon never invents one for them.
    package func resolveMasterKey() throws -> SecretBox {
        if let masterKey {
            guard let bytes = Base64.decode(masterKey) else {
                throw BeckonError.invalidInput(field: "secrets.masterKey", reason: "is not base64")
            }
            return try SecretBox(masterKey: bytes)
        }
        let file: String
        if let masterKeyFile {
            file = masterKeyFile
        } else if storage.driver == .sqlite {
            file = URL(fileURLWithPath: storage.sqlitePath).deletingLastPathComponent().appendingPathComponent("master.key").path
        } else {
            throw BeckonError.invalidInput(
                field: "secrets.masterKey",
                reason: "is required with storage.driver=postgres (the same 32 random bytes, base64, on every node)")
        }
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            guard let bytes = Base64.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw BeckonError.invalidInput(field: "secrets.masterKeyFile", reason: "\(file) does not hold a base64 key")
            }
            return try SecretBox(masterKey: bytes)
        }
        guard storage.driver == .sqlite else {
            throw BeckonError.invalidInput(field: "secrets.masterKeyFile", reason: "cannot read \(file)")
        }
        let key = SecretBox.generateMasterKey()
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard
            FileManager.default.createFile(
                atPath: file, contents: Data((Base64.encode(key) + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw BeckonError.invalidInput(field: "secrets.masterKeyFile", reason: "cannot create \(file)")
        }
        return try SecretBox(masterKey: key)
    }
}
