// SchemaValidator: one compiled JSON Schema (valijson over nlohmann) plus the explanations a
// model needs to fix its input.
//
// valijson decides validity. When an instance is invalid, Explain walks the schema beside the
// instance and describes each problem in plain words with its JSON path ("accounts[2]: expected a
// string, got the number 7", "unknown argument \"txt\"; did you mean \"text\"?"), falling back to
// valijson's own words for anything it does not cover. Immutable after Compile; thread-safe.
#ifndef HERALD_BASE_SCHEMA_VALIDATOR_H_
#define HERALD_BASE_SCHEMA_VALIDATOR_H_

#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace herald::base {


// One reason an instance does not match. `path` is "" for the root, else like
// "accounts[2]", "thread[0].text", "overrides[\"acc 1\"]".
struct SchemaProblem {
  std::string path;
  std::string message;  // e.g. "expected a string, got the number 7"
};

// What is being validated: tool arguments ("missing required argument \"text\"") or another
// document such as a tool's output ("missing required field \"post_id\"").
enum class SchemaSubject { kArguments, kDocument };

class SchemaValidator {
 public:
  // Compiles `schema`. Errors: kInvalidArgument when it is not an object or valijson rejects it
  // (the message says why).
  static Result<SchemaValidator> Compile(Json schema);

  SchemaValidator(SchemaValidator&&) noexcept;
  SchemaValidator& operator=(SchemaValidator&&) noexcept;
  ~SchemaValidator();

  const Json& schema() const { return schema_; }

  // True if `instance` matches.
  bool IsValid(const Json& instance) const;
  // The problems with `instance`, at most `limit`; empty when it matches.
  std::vector<SchemaProblem> Validate(const Json& instance, std::size_t limit = 8,
                                      SchemaSubject subject = SchemaSubject::kArguments) const;

 private:
  struct Compiled;
  SchemaValidator(Json schema, std::unique_ptr<Compiled> compiled);

  Json schema_;
  std::unique_ptr<Compiled> compiled_;
};

// "publish_at" for a top-level argument, "the arguments" for the root, else the path as is.
std::string DescribePath(const std::string& path);

// The message for a tool call whose arguments failed validation, e.g.
//   Invalid arguments for schedule_post:
//   - publish_at: expected an RFC 3339 date-time with an offset ...
//   Fix these and call schedule_post again.
std::string FormatArgumentProblems(std::string_view tool_name,
                                   const std::vector<SchemaProblem>& problems);

}  // namespace herald::base

#endif  // HERALD_BASE_SCHEMA_VALIDATOR_H_
