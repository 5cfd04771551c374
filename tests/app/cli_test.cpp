// The herald binary on SQLite: migrate, keys create/list/revoke, version, and bad input.
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "base/crypto.h"
#include "store/sql/migrations.h"
#include "tests/app/cli_support.h"
#include "tests/support/result_matchers.h"

namespace herald::cli_testing {
namespace {

using ::herald::matchers::IsOk;

using store::testing::FileExists;
using store::testing::ReadFileBytes;
using store::testing::TempDir;

class CliTest : public ::testing::Test {
 protected:
  std::string Data() const { return dir_.path(); }
  std::string Db() const { return dir_.File("herald.db"); }
  RunResult H(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {"--data", Data()});
    return Herald(args, env);
  }

  TempDir dir_;
};

TEST_F(CliTest, Version) {
  RunResult r = Herald({"version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(std::regex_match(r.out, std::regex("herald [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << r.out;
}

TEST_F(CliTest, MigrateTwice) {
  RunResult first = H({"migrate"});
  EXPECT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out, "");
  EXPECT_NE(first.err.find(std::to_string(store::sql::EmbeddedMigrations("sqlite").size()) +
                           " migration(s) applied"),
            std::string::npos)
      << first.err;
  EXPECT_TRUE(FileExists(Db()));
  RunResult second = H({"migrate"});
  EXPECT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.err.find("0 migration(s) applied"), std::string::npos) << second.err;
}

TEST_F(CliTest, KeysCreateListRevoke) {
  RunResult created = H({"keys", "create", "--name", "x", "--role", "admin"});
  ASSERT_EQ(created.code, 0) << created.err;
  // Exactly one line on stdout: the key.
  ASSERT_TRUE(std::regex_match(created.out, std::regex("hk_[A-Za-z0-9_-]{43}\n"))) << created.out;
  const std::string key = created.out.substr(0, created.out.size() - 1);

  RunResult list = H({"keys", "list", "--json"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_EQ(Lines(list.out), 1u) << list.out;
  EXPECT_EQ(list.out.find(key), std::string::npos) << "the secret must never be listed";
  auto row = base::ParseJson(list.out);
  ASSERT_THAT(row, IsOk()) << list.out;
  EXPECT_EQ((*row)["name"], "x");
  EXPECT_EQ((*row)["role"], "admin");
  EXPECT_EQ((*row)["prefix"], key.substr(0, 12));
  EXPECT_EQ((*row)["revoked"], false);
  const std::string id = (*row)["id"];

  // Neither the key nor its hash's preimage is in the database file.
  std::string bytes = ReadFileBytes(Db()) + ReadFileBytes(Db() + "-wal");
  EXPECT_EQ(bytes.find(key), std::string::npos);
  EXPECT_NE(bytes.find(base::Sha256Hex(key)), std::string::npos);

  RunResult table = H({"keys", "list"});
  ASSERT_EQ(table.code, 0);
  EXPECT_NE(table.out.find(id), std::string::npos);
  EXPECT_EQ(table.out.find(key), std::string::npos);

  RunResult revoked = H({"keys", "revoke", id});
  EXPECT_EQ(revoked.code, 0) << revoked.err;
  list = H({"keys", "list", "--json"});
  row = base::ParseJson(list.out);
  ASSERT_THAT(row, IsOk());
  EXPECT_EQ((*row)["revoked"], true);

  ExpectOneLineError(H({"keys", "revoke", id}), "already revoked");
  ExpectOneLineError(H({"keys", "revoke", "key_01NOSUCHKEY0000000000000000"}), "not found");
}

TEST_F(CliTest, HeraldDbEnvironmentIsUsed) {
  const std::string other = dir_.File("elsewhere.db");
  RunResult r = Herald({"migrate"}, {{"HERALD_DB", "sqlite:" + other}, {"HERALD_DATA", Data()}});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(FileExists(other));
  EXPECT_FALSE(FileExists(Db()));
}

TEST_F(CliTest, GlobalOptionsMayFollowTheSubcommand) {
  const std::string other = dir_.File("after.db");
  RunResult r = Herald({"migrate", "--data", Data(), "--db", "sqlite:" + other});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(FileExists(other));
  RunResult keys = Herald({"keys", "list", "--db", "sqlite:" + other});
  EXPECT_EQ(keys.code, 0) << keys.err;
}

TEST_F(CliTest, UnknownSchemeAndMalformedUrls) {
  ExpectOneLineError(H({"--db", "mysql://localhost/x", "migrate"}),
                     "unknown database URL scheme 'mysql'");
  ExpectOneLineError(H({"--db", "postgresql://host:notaport/db", "keys", "list"}),
                     "malformed PostgreSQL URL");
  ExpectOneLineError(H({"--db", "sqlite:", "migrate"}), "malformed database URL");
  ExpectOneLineError(H({"--db", "just-a-word", "migrate"}), "malformed database URL");
}

// Every URL and port herald is configured with is parsed strictly: a port is 1-65535, digits
// only (--listen also takes 0, "any free port"). A bad one stops the start with one line.
TEST_F(CliTest, ConfiguredUrlsAndPortsAreStrict) {
  for (std::string port : {"65536", "99999", "-1", "+80", "80abc", ""}) {
    ExpectOneLineError(H({"serve", "--listen", "127.0.0.1:" + port}), "--listen must be HOST:PORT");
  }
  for (std::string port : {"0", "65536", "99999", "-1", "+80", "80abc", ""}) {
    ExpectOneLineError(H({"stdio"}, {{"HERALD_PUBLIC_URL", "https://herald.example:" + port}}),
                       "HERALD_PUBLIC_URL has an invalid port");
    ExpectOneLineError(
        H({"stdio"}, {{"HERALD_SLACK_API_URL", "http://127.0.0.1:" + port + "/api"}}),
        "HERALD_SLACK_API_URL has an invalid port");
  }
  EXPECT_FALSE(FileExists(Db())) << "nothing is created before the URLs are checked";
}

// The environment is read once at start (app/config.cpp): a malformed or unknown HERALD_*
// variable stops every command with one line naming it; flags still win over the environment.
TEST_F(CliTest, MalformedOrUnknownVariablesStopTheStart) {
  ExpectOneLineError(H({"migrate"}, {{"HERALD_DATA_DIR", Data()}}),
                     "unknown environment variable HERALD_DATA_DIR; did you mean HERALD_DATA?");
  ExpectOneLineError(H({"worker"}, {{"HERALD_WORKER_CONCURRENCY", "lots"}}),
                     "HERALD_WORKER_CONCURRENCY must be a positive integer; got 'lots'");
  ExpectOneLineError(H({"stdio"}, {{"HERALD_MASTODON_API_URL", "https://m.example"}}),
                     "each account's instance_url");
  ExpectOneLineError(H({"serve"}, {{"HERALD_LISTEN", "127.0.0.1:http"}}),
                     "HERALD_LISTEN must be HOST:PORT");
  EXPECT_FALSE(FileExists(Db())) << "nothing is created before the configuration is checked";
}

TEST_F(CliTest, UnreachablePostgres) {
  // A port from the OS that nothing listens on: bind, read the port, close.
  int port = 0;
  {
    RunResult p = store::testing::Run({"/usr/bin/perl", "-MIO::Socket::INET", "-e",
                                       "my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "
                                       "'127.0.0.1:0') or die; print $s->sockport"});
    ASSERT_EQ(p.code, 0) << p.err;
    port = std::stoi(p.out);
  }
  const std::string where = "127.0.0.1:" + std::to_string(port);
  RunResult r = H({"--db", "postgresql://herald:hunter2-pw@" + where + "/herald", "migrate"});
  ExpectOneLineError(r, where);
  EXPECT_EQ(r.err.find("hunter2-pw"), std::string::npos) << r.err;
}

TEST_F(CliTest, LockedDatabase) {
  ASSERT_EQ(H({"migrate"}).code, 0);
  // Read before locking: closing any descriptor of the file would drop this process's POSIX
  // locks (and with them the lock under test).
  const std::string before = ReadFileBytes(Db());
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(Db().c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  ExpectOneLineError(H({"keys", "list"}), "database " + Db() + " is locked by another process");
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(ReadFileBytes(Db()), before);
  EXPECT_EQ(H({"keys", "list"}).code, 0);
}

TEST_F(CliTest, NewerSchemaIsRefused) {
  ASSERT_EQ(H({"migrate"}).code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Db().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (999, 'future', 0)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const std::string before = ReadFileBytes(Db());
  ExpectOneLineError(H({"migrate"}), "database schema version 999 is newer than this herald");
  ExpectOneLineError(H({"keys", "create", "--name", "y", "--role", "viewer"}),
                     "upgrade herald");
  EXPECT_EQ(ReadFileBytes(Db()), before);
}

TEST_F(CliTest, CorruptDatabaseIsRefusedAndLeftAlone) {
  std::string junk(8192, 'x');
  std::ofstream(Db(), std::ios::binary) << junk;
  ExpectOneLineError(H({"migrate"}), Db() + " is not a herald database");
  ExpectOneLineError(H({"keys", "list"}), "is not a herald database");
  EXPECT_EQ(ReadFileBytes(Db()), junk);
  EXPECT_FALSE(FileExists(Db() + "-wal"));
}

class CliSecretKeyTest : public CliTest {
 protected:
  void WriteKey(const std::string& text, mode_t mode) {
    std::ofstream(KeyFile()) << text;
    ASSERT_EQ(::chmod(KeyFile().c_str(), mode), 0);
  }
  std::string KeyFile() const { return dir_.File("secret.key"); }
};

TEST_F(CliSecretKeyTest, CorruptKeyFileStopsWorkerAndIsLeftAlone) {
  WriteKey("%%% not base64 %%%\n", 0600);
  ExpectOneLineError(H({"worker"}), KeyFile() + " is not valid base64");
  EXPECT_EQ(ReadFileBytes(KeyFile()), "%%% not base64 %%%\n");
  EXPECT_FALSE(FileExists(Db())) << "nothing else is created";
}

TEST_F(CliSecretKeyTest, WrongSizeKeyFileStopsServeAndStdio) {
  const std::string text = base::Base64Encode(base::RandomBytes(16)) + "\n";
  WriteKey(text, 0600);
  ExpectOneLineError(H({"serve", "--listen", "127.0.0.1:0"}), "must hold 32 bytes");
  ExpectOneLineError(H({"stdio"}), "must hold 32 bytes");
  EXPECT_EQ(ReadFileBytes(KeyFile()), text);
}

TEST_F(CliSecretKeyTest, GroupReadableKeyFileIsRefused) {
  const std::string text = base::Base64Encode(base::RandomBytes(32)) + "\n";
  WriteKey(text, 0644);
  ExpectOneLineError(H({"worker"}), "chmod 600");
  EXPECT_EQ(ReadFileBytes(KeyFile()), text);
}

TEST_F(CliSecretKeyTest, BadEnvironmentKeyIsRefused) {
  ExpectOneLineError(H({"worker"}, {{"HERALD_SECRET_KEY", "c2hvcnQ="}}),
                     "HERALD_SECRET_KEY must hold 32 bytes");
  EXPECT_FALSE(FileExists(KeyFile()));
}

TEST_F(CliSecretKeyTest, KeysCommandsDoNotNeedTheKeyring) {
  WriteKey("garbage\n", 0600);
  RunResult r = H({"keys", "create", "--name", "ops", "--role", "editor"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(ReadFileBytes(KeyFile()), "garbage\n");
}

}  // namespace
}  // namespace herald::cli_testing
