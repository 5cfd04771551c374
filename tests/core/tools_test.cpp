// The post tools: each has both schema files, its arguments validate against its input schema
// and its results against its output schema (valijson, as the MCP registry does), and calls go
// through to the core with the caller's organization and role.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "base/crypto.h"
#include "base/time.h"
#include "schemas/schemas.h"
#include "tests/support/core_env.h"
#include "core/limits.h"
#include "core/media_preparer.h"
#include "media/url_signer.h"
#include "tools/resource_reads.h"
#include "tools/tool_set.h"
#include "tests/support/result_matchers.h"

namespace herald::tools {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::CoreEnv;

class FakeToolContext final : public ToolContext {
 public:
  explicit FakeToolContext(base::Caller caller) : caller_(std::move(caller)) {}
  const base::Caller& caller() const override { return caller_; }
  bool cancelled() const override { return false; }
  bool WantsProgress() const override { return wants_progress_; }
  void set_wants_progress(bool wants) { wants_progress_ = wants; }
  void Progress(double progress, std::optional<double> total, std::string message) override {
    progress_.push_back({progress, total.value_or(-1), std::move(message)});
  }
  void Log(LogLevel, Json) override {}
  bool CanSample() const override { return false; }
  bool CanElicitForm() const override { return false; }
  bool CanElicitUrl() const override { return false; }
  Task<Result<Json>> Request(std::string, Json, std::chrono::milliseconds) override {
    co_return base::FailedPrecondition("no client");
  }

  struct ProgressCall {
    double progress;
    double total;  // -1: none
    std::string message;
  };
  const std::vector<ProgressCall>& progress() const { return progress_; }

 private:
  base::Caller caller_;
  std::vector<ProgressCall> progress_;
  bool wants_progress_ = false;
};

const std::vector<std::string> kPostTools = {
    "schedule_post", "publish_post", "save_draft",  "update_post",  "reschedule_post",
    "cancel_post",   "retry_post",   "delete_post", "get_post",     "list_posts",
    "validate_post", "upload_media", "list_media",  "get_media",    "delete_media",
    "prepare_media"};

// Validates `value` against the embedded schema at `path`; returns the errors ("" if valid).
std::string SchemaErrors(const std::string& path, const Json& value) {
  auto text = schemas::Find(path);
  if (!text) return "no schema " + path;
  Json schema_json = Json::parse(*text);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(value);
  if (validator.validate(schema, target, &results)) return "";
  std::string out;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string where;
    for (const auto& c : e.context) where += c;
    out += where + ": " + e.description + "\n";
  }
  return out;
}

class ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ToolDeps deps;
    deps.clock = &env_.clock;
    deps.posts = env_.posts.get();
    deps.media = env_.media.get();
    for (auto& t : MakeTools(deps)) {
      std::string name = t->spec().name;
      tools_[name] = std::move(t);
    }
    account_ = env_.AddAccount("native", "@alice@example.social");
  }

  // Calls `name` with `args` (validated against its input schema first) and checks the result
  // against the output schema.
  Result<Json> Call(const std::string& name, Json args, const base::Caller& caller,
                    FakeToolContext* context = nullptr) {
    std::string in_errors = SchemaErrors("tools/" + name + ".input.json", args);
    EXPECT_EQ(in_errors, "") << name << " arguments " << args.dump();
    FakeToolContext own(caller);
    FakeToolContext& ctx = context != nullptr ? *context : own;
    auto out = testing::Await(tools_.at(name)->Call(std::move(args), ctx));
    if (!out.ok()) return std::move(out).error();
    EXPECT_EQ(SchemaErrors("tools/" + name + ".output.json", out->structured), "")
        << name << " result " << out->structured.dump();
    return out->structured;
  }

  CoreEnv env_;
  store::Account account_;
  std::map<std::string, std::unique_ptr<Tool>> tools_;
};

// publish_post with a progressToken answers once the networks have settled, reporting while it
// waits; without one it answers at once (the worker runs elsewhere).
TEST_F(ToolsTest, PublishPostFollowsThePublishWhenTheClientAskedForProgress) {
  FakeToolContext ctx(env_.editor);
  ctx.set_wants_progress(true);
  Json args{{"accounts", {account_.id}}, {"text", "followed"}};
  base::asio::io_context io;
  std::optional<Result<ToolOutput>> out;
  base::asio::co_spawn(io, testing::AwaitInto(tools_.at("publish_post")->Call(args, ctx), &out),
                       base::asio::detached);
  // Until the tool has created the post and reported the first progress (bounded).
  for (int i = 0; i < 3000 && ctx.progress().empty() && !out; ++i) {
    io.run_one_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(out.has_value()) << "answered before the post was published";
  ASSERT_FALSE(ctx.progress().empty());
  EXPECT_EQ(ctx.progress()[0].progress, 0);
  EXPECT_EQ(ctx.progress()[0].total, 1);
  auto worker = env_.MakeWorker("wrk_follow");
  ASSERT_EQ(*worker->RunOnce(env_.clock.Now()), 1);
  io.run();
  ASSERT_TRUE(out.has_value());
  ASSERT_THAT(*out, IsOk());
  EXPECT_EQ((*out)->structured["status"], "published");
  EXPECT_EQ((*out)->structured["targets"][0]["status"], "published");
  EXPECT_EQ(ctx.progress().back().progress, 1);  // the last report says done
  EXPECT_EQ(ctx.progress().back().total, 1);
}

TEST_F(ToolsTest, EveryPostToolHasItsSchemasAndASensibleSpec) {
  for (const auto& name : kPostTools) {
    ASSERT_TRUE(tools_.count(name)) << name;
    const ToolSpec& spec = tools_[name]->spec();
    EXPECT_LE(spec.name.size(), 40u);
    EXPECT_GT(spec.description.size(), 60u) << name;
    for (const char* kind : {"input", "output"}) {
      auto text = schemas::Find("tools/" + name + "." + kind + ".json");
      ASSERT_TRUE(text.has_value()) << name << " " << kind;
      Json schema = Json::parse(*text);
      EXPECT_EQ(schema["type"], "object");
      if (std::string(kind) == "input") {
        EXPECT_EQ(schema["additionalProperties"], false);
      }
      for (const auto& [prop, def] : schema["properties"].items()) {
        EXPECT_TRUE(def.contains("description")) << name << "." << prop;
      }
    }
  }
  EXPECT_EQ(tools_["get_post"]->spec().required_role, base::Role::kViewer);
  EXPECT_TRUE(tools_["get_post"]->spec().annotations.read_only);
  EXPECT_EQ(tools_["schedule_post"]->spec().required_role, base::Role::kEditor);
  EXPECT_TRUE(tools_["delete_post"]->spec().annotations.destructive);
  EXPECT_THAT(tools_["retry_post"]->spec().description, HasSubstr("post twice"));
}

TEST_F(ToolsTest, ScheduleGetListUpdateCancelThroughTheTools) {
  Json args = {{"accounts", {account_.id}},
               {"text", "hello from a model"},
               {"publish_at", "2026-03-29T09:00:00"},
               {"timezone", "Europe/Paris"},
               {"thread", {{{"text", "2/2"}}}},
               {"idempotency_key", "abc"}};
  auto created = Call("schedule_post", args, env_.editor);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ((*created)["publish_at"], "2026-03-29T07:00:00Z");
  std::string id = (*created)["post_id"];
  auto again = Call("schedule_post", args, env_.editor);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)["post_id"], id);

  auto got = Call("get_post", {{"post_id", id}}, env_.viewer);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ((*got)["content"]["thread"][0]["text"], "2/2");
  EXPECT_EQ((*got)["targets"][0]["attempts"], 0);

  auto listed = Call("list_posts", {{"status", "scheduled"}, {"limit", 10}}, env_.viewer);
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ((*listed)["posts"].size(), 1u);

  auto updated = Call("update_post", {{"post_id", id}, {"text", "edited"}, {"thread", Json::array()}},
                      env_.editor);
  ASSERT_THAT(updated, IsOk());
  auto rescheduled = Call("reschedule_post",
                          {{"post_id", id}, {"publish_at", "2026-04-01T10:00:00+02:00"}},
                          env_.editor);
  ASSERT_THAT(rescheduled, IsOk());
  EXPECT_EQ((*rescheduled)["publish_at"], "2026-04-01T08:00:00Z");

  auto validated = Call("validate_post", {{"accounts", {account_.id}}, {"text", "ok"}}, env_.viewer);
  ASSERT_THAT(validated, IsOk());
  EXPECT_TRUE((*validated)["ok"].get<bool>());

  auto cancelled = Call("cancel_post", {{"post_id", id}}, env_.editor);
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ((*cancelled)["status"], "cancelled");

  auto retried = Call("retry_post", {{"post_id", id}}, env_.editor);
  EXPECT_THAT(retried, Not(IsOk()));
  auto deleted = Call("delete_post", {{"post_id", id}}, env_.editor);
  ASSERT_THAT(deleted, IsOk());
}

TEST_F(ToolsTest, ViewerCannotCallWriteTools) {
  auto r = Call("publish_post", {{"accounts", {account_.id}}, {"text", "x"}}, env_.viewer);
  ASSERT_THAT(r, StatusIs(base::ErrorCode::kPermissionDenied));
}

TEST_F(ToolsTest, UploadMediaAndUseIt) {
  // A real 1x1 GIF (the bytes are probed).
  const std::string gif =
      base::Base64Decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7").value();
  auto up = Call("upload_media",
                 {{"data_base64", base::Base64Encode(gif)}, {"mime_type", "image/gif"},
                  {"alt_text", "a dot"}},
                 env_.editor);
  ASSERT_THAT(up, IsOk());
  auto created = Call("save_draft", {{"accounts", {account_.id}}, {"media", {(*up)["media_id"]}}},
                      env_.editor);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ((*created)["status"], "draft");
}

TEST_F(ToolsTest, PrepareMediaConvertsForTheNetworksAndReportsProgress) {
  core::MediaPreparerOptions options;
  options.staging_dir = env_.media->options().staging_dir;
  media::UrlSigner signer(std::string(32, 'k'), "https://herald.example");
  core::MediaPreparer preparer(*env_.store, *env_.media_files, &signer, env_.clock, *env_.pool,
                               options);
  env_.media->SetPreparer(&preparer);
  env_.reconcile->info().media.mime_types = {"image/jpeg"};  // this network converts the GIF
  const std::string gif =
      base::Base64Decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7").value();
  auto up = Call("upload_media", {{"data_base64", base::Base64Encode(gif)}}, env_.editor);
  ASSERT_THAT(up, IsOk());
  FakeToolContext ctx(env_.editor);
  auto prepared = Call("prepare_media",
                       {{"media_id", (*up)["media_id"]}, {"platforms", {"native", "reconcile"}}},
                       env_.editor, &ctx);
  ASSERT_THAT(prepared, IsOk());
  ASSERT_EQ((*prepared)["networks"].size(), 2u);
  EXPECT_EQ((*prepared)["networks"][0]["action"], "as_is");
  EXPECT_EQ((*prepared)["networks"][1]["action"], "converted");
  EXPECT_EQ((*prepared)["networks"][1]["mime_type"], "image/jpeg");
  ASSERT_FALSE(ctx.progress().empty());
  EXPECT_EQ(ctx.progress().back().progress, 2);  // two networks of two done
  EXPECT_EQ(ctx.progress().back().total, 2);
  EXPECT_THAT(ctx.progress().back().message, HasSubstr("100%"));

  EXPECT_NE(SchemaErrors("tools/prepare_media.input.json",
                         {{"media_id", (*up)["media_id"]}, {"fit", "stretch"}}),
            "");
  EXPECT_THAT(Call("prepare_media", {{"media_id", (*up)["media_id"]}}, env_.viewer),
              StatusIs(base::ErrorCode::kPermissionDenied));
  env_.media->SetPreparer(nullptr);
}

TEST_F(ToolsTest, SchemaRefusesWhatTheModelGetsWrong) {
  // The registry validates before Call; these are the errors it would report.
  EXPECT_NE(SchemaErrors("tools/schedule_post.input.json",
                         {{"accounts", {account_.id}}, {"txt", "typo"}, {"publish_at", "x"}}),
            "");
  Json many = Json::array();
  for (int i = 0; i < 10'000; ++i) many.push_back(account_.id);
  EXPECT_NE(SchemaErrors("tools/schedule_post.input.json",
                         {{"accounts", many}, {"text", "x"}, {"publish_at", "x"}}),
            "");
  EXPECT_NE(SchemaErrors("tools/list_posts.input.json", {{"limit", 1000}}), "");
}

// The schema and the core count text the same way (code points): a text of multibyte
// characters exactly at the limit passes both, one character more fails both.
TEST_F(ToolsTest, MultibyteTextAtTheLimitPassesSchemaAndCoreAlike) {
  const std::string e_acute = "\xC3\xA9";  // 1 code point, 2 bytes
  std::string at_limit;
  for (size_t i = 0; i < core::limits::kMaxTextLength; ++i) at_limit += e_acute;
  ASSERT_EQ(at_limit.size(), 2 * core::limits::kMaxTextLength);
  Json args = {{"accounts", {account_.id}}, {"text", at_limit}};
  EXPECT_EQ(SchemaErrors("tools/validate_post.input.json", args), "");
  core::ValidatePostRequest request;
  request.accounts = {account_.id};
  request.content.text = at_limit;
  auto checked = env_.posts->ValidateSync(env_.viewer, request);
  ASSERT_THAT(checked, IsOk());  // within herald's bound; the network's own limit is reported
  EXPECT_FALSE(checked->ok);
  EXPECT_EQ(checked->accounts[0].violations[0].field, "text");

  args["text"] = at_limit + e_acute;
  EXPECT_NE(SchemaErrors("tools/validate_post.input.json", args), "");
  request.content.text = at_limit + e_acute;
  EXPECT_THAT(env_.posts->ValidateSync(env_.viewer, request),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("text: is 65537 characters")));
}

// herald://posts/{id} shows what get_post returns, read from the core with the post id.
TEST_F(ToolsTest, PostResourceShowsWhatGetPostReturns) {
  std::string id = env_.Schedule({account_.id}, "resource");
  auto tool = Call("get_post", {{"post_id", id}}, env_.viewer);
  ASSERT_THAT(tool, IsOk());
  auto resource = testing::Await(ReadPost(*env_.posts, env_.viewer, id));
  ASSERT_THAT(resource, IsOk());
  EXPECT_EQ(base::DumpJson(*resource), base::DumpJson(*tool));
  EXPECT_THAT(testing::Await(ReadPost(*env_.posts, env_.other_editor, id)),
              StatusIs(base::ErrorCode::kNotFound));
}

}  // namespace
}  // namespace herald::tools
