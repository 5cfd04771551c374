#include "store/postgres/pg_connection.h"

#include <pqxx/pqxx>

#include <utility>
#include <vector>

namespace herald::store::postgres {
namespace {

// PostgreSQL type oids (pg_type.dat) the driver converts.
constexpr pqxx::oid kBoolOid = 16;
constexpr pqxx::oid kByteaOid = 17;
constexpr pqxx::oid kInt8Oid = 20;
constexpr pqxx::oid kInt2Oid = 21;
constexpr pqxx::oid kInt4Oid = 23;

std::string FirstLine(std::string_view text) {
  size_t end = text.find('\n');
  std::string out(text.substr(0, end));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\r')) out.pop_back();
  return out;
}

// The reason part of a libpq connection failure: 'connection to server at "h" (a), port p
// failed: FATAL:  database "x" does not exist' -> 'database "x" does not exist'.
std::string ConnectReason(std::string_view what) {
  std::string line = FirstLine(what);
  size_t at = line.rfind("failed: ");
  if (at != std::string::npos) line = line.substr(at + 8);
  for (std::string_view prefix : {"FATAL:  ", "ERROR:  "}) {
    if (line.starts_with(prefix)) line = line.substr(prefix.size());
  }
  return line.empty() ? "connection failed" : line;
}

const char kHex[] = "0123456789abcdef";

}  // namespace

class PgConnection::QuietNotices final : public pqxx::errorhandler {
 public:
  explicit QuietNotices(pqxx::connection_base& c) : pqxx::errorhandler(c) {}
  bool operator()(const char[]) noexcept override { return false; }  // swallow, stop the chain
};

base::Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& conninfo,
                                                                 const std::string& where) {
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    return std::unique_ptr<PgConnection>(new PgConnection(std::move(conn), where));
  } catch (const std::exception& e) {
    std::string reason = ConnectReason(e.what());
    std::string message = "cannot connect to PostgreSQL at " + where + ": " + reason;
    if (reason.find("authentication failed") != std::string::npos ||
        reason.find("does not exist") != std::string::npos ||
        reason.find("no pg_hba.conf entry") != std::string::npos) {
      return base::Error(base::ErrorCode::kFailedPrecondition, message, FirstLine(e.what()));
    }
    return base::Unavailable(message, FirstLine(e.what()));
  }
}

PgConnection::PgConnection(std::unique_ptr<pqxx::connection> conn, std::string where)
    : conn_(std::move(conn)),
      quiet_(std::make_unique<QuietNotices>(*conn_)),
      where_(std::move(where)) {}

PgConnection::~PgConnection() {
  quiet_.reset();
  try {
    conn_.reset();
  } catch (...) {
  }
}

std::string PgConnection::TranslatePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

base::Error PgConnection::MapCurrentException(std::string_view context) {
  std::string detail = "postgres " + std::string(context) + ": ";
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    broken_ = true;
    return base::Unavailable("lost the connection to PostgreSQL at " + where_ + "; retry",
                             detail + FirstLine(e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    broken_ = true;
    return base::Unavailable("lost the connection to PostgreSQL at " + where_ +
                                 " while committing; the outcome is unknown",
                             detail + FirstLine(e.what()));
  } catch (const pqxx::statement_completion_unknown& e) {
    broken_ = true;
    return base::Unavailable("lost the connection to PostgreSQL at " + where_ +
                                 " during a statement; the outcome is unknown",
                             detail + FirstLine(e.what()));
  } catch (const pqxx::transaction_rollback& e) {
    // Deadlock or serialization failure (SQLSTATE 40xxx). libpqxx 6 derives these from
    // pqxx::failure, not sql_error, so they need their own case: the transaction was rolled
    // back and running it again is safe.
    return base::Unavailable("PostgreSQL at " + where_ + " is busy; retry",
                             detail + FirstLine(e.what()));
  } catch (const pqxx::sql_error& e) {
    const std::string state = e.sqlstate();
    detail += FirstLine(e.what()) + " (SQLSTATE " + state + ")";
    if (state == "23505") return base::Error(base::ErrorCode::kAlreadyExists, "already exists", detail);
    if (state == "23503") {
      return base::Error(base::ErrorCode::kFailedPrecondition,
                         "refers to a row that does not exist", detail);
    }
    if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014" ||
        state.starts_with("53") || state.starts_with("57P") || state.starts_with("08")) {
      if (state.starts_with("08") || state.starts_with("57P")) broken_ = true;
      return base::Unavailable("PostgreSQL at " + where_ + " is busy or restarting; retry",
                               detail);
    }
    if (state.starts_with("22")) {
      return base::Error(base::ErrorCode::kInvalidArgument,
                         "a value was rejected by the database (invalid text or number)", detail);
    }
    return base::Internal(detail);
  } catch (const std::exception& e) {
    // libpqxx usage errors and the like; the connection state is unknown.
    if (conn_ && !conn_->is_open()) broken_ = true;
    return base::Internal(detail + FirstLine(e.what()));
  } catch (...) {
    broken_ = true;
    return base::Internal(detail + "unknown exception");
  }
}

base::Result<sql::Rows> PgConnection::Exec(std::string_view sql, const sql::Params& params) {
  if (broken_) return base::Unavailable("lost the connection to PostgreSQL at " + where_ + "; retry");
  // Parameters as text: NULL is a null pointer; integers in decimal; blobs in bytea hex.
  std::vector<std::string> storage;
  storage.reserve(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (const sql::Value& v : params) {
    switch (v.type()) {
      case sql::Value::Type::kNull:
        storage.emplace_back();
        break;
      case sql::Value::Type::kInt:
        storage.push_back(std::to_string(v.int_value()));
        break;
      case sql::Value::Type::kText:
        if (v.str().find('\0') != std::string::npos) {
          return base::InvalidArgument("text values must not contain NUL characters");
        }
        storage.push_back(v.str());
        break;
      case sql::Value::Type::kBlob: {
        std::string hex = "\\x";
        hex.reserve(2 + v.str().size() * 2);
        for (unsigned char c : v.str()) {
          hex += kHex[c >> 4];
          hex += kHex[c & 0xf];
        }
        storage.push_back(std::move(hex));
        break;
      }
    }
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i].is_null()) values[i] = storage[i].c_str();
  }

  try {
    auto it = statements_.find(std::string(sql));
    if (it == statements_.end()) {
      std::string name = "h" + std::to_string(statements_.size() + 1);
      conn_->prepare(name, TranslatePlaceholders(sql));
      it = statements_.emplace(std::string(sql), std::move(name)).first;
    }
    pqxx::nontransaction tx(*conn_);
    pqxx::result r = tx.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(values));
    const int columns = static_cast<int>(r.columns());
    std::vector<sql::Value> cells;
    cells.reserve(r.size() * static_cast<size_t>(columns));
    std::vector<pqxx::oid> types(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) types[static_cast<size_t>(c)] = r.column_type(c);
    for (const auto& row : r) {
      for (int c = 0; c < columns; ++c) {
        const pqxx::field f = row[c];
        if (f.is_null()) {
          cells.emplace_back();
          continue;
        }
        switch (types[static_cast<size_t>(c)]) {
          case kInt8Oid:
          case kInt4Oid:
          case kInt2Oid:
            cells.push_back(sql::Value::Int(std::stoll(f.c_str())));
            break;
          case kBoolOid:
            cells.push_back(sql::Value::Int(f.c_str()[0] == 't' ? 1 : 0));
            break;
          case kByteaOid: {
            pqxx::binarystring bytes(f);
            cells.push_back(sql::Value::Blob(bytes.str()));
            break;
          }
          default:
            cells.push_back(sql::Value::Text(std::string(f.c_str(), f.size())));
            break;
        }
      }
    }
    return sql::Rows(columns, std::move(cells), static_cast<int64_t>(r.affected_rows()));
  } catch (...) {
    return MapCurrentException("exec");
  }
}

base::Result<void> PgConnection::ExecScript(std::string_view sql) {
  if (broken_) return base::Unavailable("lost the connection to PostgreSQL at " + where_ + "; retry");
  try {
    pqxx::nontransaction tx(*conn_);
    tx.exec(std::string(sql));
    return base::Ok();
  } catch (...) {
    return MapCurrentException("exec");
  }
}

}  // namespace herald::store::postgres
