// Values crossing the SQL driver boundary: statement parameters and result cells.
//
// A Value is null, a 64-bit integer, text, or a blob. Drivers bind parameters from Values and
// return result cells as Values (PostgreSQL drivers convert integer and bytea columns to kInt and
// kBlob, so the SQL layer reads both backends the same way). Rows is a dense, owned result set.
// Plain values; thread-compatible.
#ifndef HERALD_STORE_SQL_VALUE_H_
#define HERALD_STORE_SQL_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::store::sql {

class Value {
 public:
  enum class Type { kNull, kInt, kText, kBlob };

  Value() = default;  // null
  static Value Int(int64_t v) {
    Value out;
    out.type_ = Type::kInt;
    out.int_ = v;
    return out;
  }
  static Value Text(std::string v) {
    Value out;
    out.type_ = Type::kText;
    out.str_ = std::move(v);
    return out;
  }
  static Value Blob(std::string v) {
    Value out;
    out.type_ = Type::kBlob;
    out.str_ = std::move(v);
    return out;
  }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  // REQUIRES: type() == kInt.
  int64_t int_value() const { return int_; }
  // The text or blob bytes (empty for null and int).
  const std::string& str() const { return str_; }
  std::string& mutable_str() { return str_; }

 private:
  Type type_ = Type::kNull;
  int64_t int_ = 0;
  std::string str_;
};

using Params = std::vector<Value>;

// A result set: `columns` cells per row, row-major, plus the number of rows the statement
// changed (INSERT/UPDATE/DELETE), which drivers report even when no rows are returned.
class Rows {
 public:
  Rows() = default;
  Rows(int columns, std::vector<Value> cells, int64_t affected)
      : columns_(columns), cells_(std::move(cells)), affected_(affected) {}

  size_t size() const { return columns_ == 0 ? 0 : cells_.size() / static_cast<size_t>(columns_); }
  bool empty() const { return size() == 0; }
  int columns() const { return columns_; }
  int64_t affected() const { return affected_; }
  const Value& at(size_t row, int column) const {
    return cells_[row * static_cast<size_t>(columns_) + static_cast<size_t>(column)];
  }
  Value& mutable_at(size_t row, int column) {
    return cells_[row * static_cast<size_t>(columns_) + static_cast<size_t>(column)];
  }

 private:
  int columns_ = 0;
  std::vector<Value> cells_;
  int64_t affected_ = 0;
};

}  // namespace herald::store::sql

#endif  // HERALD_STORE_SQL_VALUE_H_
