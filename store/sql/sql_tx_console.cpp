// SqlTx: the web console's sessions (table console_sessions, migration 0006).
#include <utility>

#include "store/sql/sql_rows.h"
#include "store/sql/sql_tx.h"

namespace herald::store::sql {
namespace {

constexpr std::string_view kConsoleSessionCols =
    "token_hash, org_id, key_id, created_at, expires_at";

ConsoleSession DecodeConsoleSession(RowReader& r) {
  ConsoleSession s;
  s.token_hash = r.Text();
  s.org_id = r.Text();
  s.key_id = r.Text();
  s.created_at = r.TimeValue();
  s.expires_at = r.TimeValue();
  return s;
}

}  // namespace

// ---- web console sessions ----

Result<void> SqlTx::InsertConsoleSession(const ConsoleSession& s) {
  auto r = Exec(Sql({"INSERT INTO console_sessions (", kConsoleSessionCols,
                     ") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"}),
                {Txt(s.token_hash), Txt(s.org_id), Txt(s.key_id), Tm(s.created_at),
                 Tm(s.expires_at)});
  if (!r.ok()) return Named(std::move(r).error(), "console session");
  if (r->affected() == 0) return base::AlreadyExists("console session already exists");
  return base::Ok();
}

Result<ConsoleSession> SqlTx::GetConsoleSession(std::string_view token_hash, Time now) {
  HERALD_ASSIGN_OR_RETURN(
      Rows rows, Exec(Sql({"SELECT ", kConsoleSessionCols,
                           " FROM console_sessions WHERE token_hash = ? AND expires_at > ?"}),
                      {Txt(token_hash), Tm(now)}));
  return DecodeOne<ConsoleSession>(rows, DecodeConsoleSession,
                                   "unknown, expired or signed-out console session");
}

Result<void> SqlTx::DeleteConsoleSession(std::string_view token_hash) {
  HERALD_ASSIGN_OR_RETURN(Rows r, Exec("DELETE FROM console_sessions WHERE token_hash = ?",
                                       {Txt(token_hash)}));
  (void)r;
  return base::Ok();
}

Result<int> SqlTx::DeleteExpiredConsoleSessions(Time now) {
  HERALD_ASSIGN_OR_RETURN(Rows r, Exec("DELETE FROM console_sessions WHERE expires_at <= ?",
                                       {Tm(now)}));
  return static_cast<int>(r.affected());
}

}  // namespace herald::store::sql
