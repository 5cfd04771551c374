// PostService: creating, validating, editing, cancelling, retrying, reading posts; bad input;
// idempotency keys; organization isolation. Deterministic: FakeClock, fake platforms, an
// in-memory SQLite store.
#include "core/post_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"
#include "tools/post_views.h"

namespace herald::core {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using base::ErrorCode;
using testing::CoreEnv;

class PostServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mastodon_ = env_.AddAccount("native", "@alice@example.social");
    telegram_ = env_.AddAccount("none", "@acme_channel");
    foreign_ = env_.AddAccount("native", "@bob@globex.social", env_.other_org.id);
  }

  CreatePostRequest Request(std::vector<std::string> accounts, std::string text,
                            std::string publish_at = "") {
    CreatePostRequest r;
    r.mode = CreateMode::kSchedule;
    r.operation = "schedule_post";
    r.accounts = std::move(accounts);
    r.content.text = std::move(text);
    r.publish_at =
        publish_at.empty() ? base::FormatRfc3339(env_.clock.Now() + std::chrono::hours(1))
                           : publish_at;
    return r;
  }

  // The service's answers as the tools shape them (tools/post_views.h), so the checks below
  // read the fields a client sees.
  template <typename T, typename View>
  static base::Result<base::Json> Shaped(base::Result<T> r, View view) {
    if (!r.ok()) return std::move(r).error();
    return view(*r);
  }
  base::Result<base::Json> Create(const Caller& c, const CreatePostRequest& r) {
    return Shaped(env_.posts->CreateSync(c, r), tools::PostSummaryView);
  }
  base::Result<base::Json> Update(const Caller& c, const UpdatePostRequest& r) {
    return Shaped(env_.posts->UpdateSync(c, r), tools::PostSummaryView);
  }
  base::Result<base::Json> Reschedule(const Caller& c, const std::string& id,
                                      const std::string& at, const std::string& zone) {
    return Shaped(env_.posts->RescheduleSync(c, id, at, zone), tools::PostSummaryView);
  }
  base::Result<base::Json> Cancel(const Caller& c, const std::string& id) {
    return Shaped(env_.posts->CancelSync(c, id), [](const PostOutcome& o) {
      return tools::PostOutcomeView(o, tools::OutcomeKind::kCancel);
    });
  }
  base::Result<base::Json> Retry(const Caller& c, const std::string& id, bool include_unknown) {
    return Shaped(env_.posts->RetrySync(c, id, include_unknown), [](const PostOutcome& o) {
      return tools::PostOutcomeView(o, tools::OutcomeKind::kRetry);
    });
  }
  base::Result<base::Json> Delete(const Caller& c, const std::string& id) {
    return Shaped(testing::Await(env_.posts->Delete(c, id)), [](const PostOutcome& o) {
      return tools::PostOutcomeView(o, tools::OutcomeKind::kDelete);
    });
  }
  base::Result<base::Json> Get(const Caller& c, const std::string& id) {
    return Shaped(env_.posts->GetSync(c, id),
                  [this](const PostState& p) { return tools::PostDetailView(p, env_.registry); });
  }
  base::Result<base::Json> List(const Caller& c, const ListPostsRequest& r) {
    return Shaped(env_.posts->ListSync(c, r), tools::PostPageView);
  }
  base::Result<base::Json> Validate(const Caller& c, const ValidatePostRequest& r) {
    return Shaped(env_.posts->ValidateSync(c, r), tools::ValidationView);
  }

  // Asserts `r` failed with `code` and a message containing `part`, and that nothing was stored.
  void ExpectRefused(const base::Result<base::Json>& r, ErrorCode code, const std::string& part) {
    ASSERT_THAT(r, Not(IsOk())) << "expected an error containing '" << part << "'";
    EXPECT_EQ(r.error().code(), code) << r.error().ToString();
    EXPECT_THAT(r.error().message(), HasSubstr(part));
    EXPECT_EQ(env_.CountPosts(), posts_before_);
  }

  CoreEnv env_;
  store::Account mastodon_, telegram_, foreign_;
  int posts_before_ = 0;
};

TEST_F(PostServiceTest, SchedulesPostWithTargetsAndJobsInOneGo) {
  auto r = Create(env_.editor, Request({mastodon_.id, telegram_.id}, "hello"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["status"], "scheduled");
  ASSERT_EQ((*r)["targets"].size(), 2u);
  EXPECT_EQ((*r)["targets"][0]["account_id"], mastodon_.id);
  EXPECT_EQ((*r)["targets"][0]["platform"], "native");
  EXPECT_EQ((*r)["targets"][1]["status"], "queued");
  std::string post_id = (*r)["post_id"];
  auto targets = env_.Targets(post_id);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_NE(targets[0].idempotency_key, targets[1].idempotency_key);
  EXPECT_EQ(targets[0].idempotency_key.size(), 32u);
  for (const auto& t : targets) {
    auto jobs = env_.Jobs(t.id);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].state, store::JobState::kQueued);
    EXPECT_EQ(jobs[0].run_at, env_.clock.Now() + std::chrono::hours(1));
    EXPECT_EQ(jobs[0].account_id, t.account_id);
  }
}

TEST_F(PostServiceTest, LocalTimeWithTimeZoneIsStoredAsUtcAndShownBack) {
  // 2026-01-01T00:00Z is the FakeClock start; July in Paris is UTC+2.
  auto req = Request({mastodon_.id}, "summer", "2026-07-14T09:00:00");
  req.time_zone = "Europe/Paris";
  auto r = Create(env_.editor, req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["publish_at"], "2026-07-14T07:00:00Z");
  EXPECT_EQ((*r)["publish_at_local"], "2026-07-14T09:00:00+02:00");
  EXPECT_EQ((*r)["time_zone"], "Europe/Paris");
}

TEST_F(PostServiceTest, DraftHasNoJobsAndRescheduleSchedulesIt) {
  auto req = Request({mastodon_.id}, "later");
  req.mode = CreateMode::kDraft;
  req.publish_at.clear();
  auto r = Create(env_.editor, req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["status"], "draft");
  EXPECT_TRUE((*r)["publish_at"].is_null());
  std::string id = (*r)["post_id"];
  auto targets = env_.Targets(id);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_TRUE(env_.Jobs(targets[0].id).empty());

  auto s = Reschedule(
      env_.editor, id, base::FormatRfc3339(env_.clock.Now() + std::chrono::minutes(5)), "");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ((*s)["status"], "scheduled");
  ASSERT_EQ(env_.Jobs(targets[0].id).size(), 1u);
}

TEST_F(PostServiceTest, PublishNowQueuesForNow) {
  auto req = Request({mastodon_.id}, "now");
  req.mode = CreateMode::kPublishNow;
  req.publish_at.clear();
  auto r = Create(env_.editor, req);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["publish_at"], base::FormatRfc3339(env_.clock.Now()));
}

// ---- bad input: a clear error naming the field, nothing stored ----

TEST_F(PostServiceTest, RefusesUnknownAccount) {
  ExpectRefused(Create(env_.editor,
                                       Request({"acc_01JD3Q8Z6X0000000000000000"}, "hi")),
                ErrorCode::kInvalidArgument, "accounts[0]: no account");
}

TEST_F(PostServiceTest, AnotherOrganizationsAccountLooksExactlyLikeAMissingOne) {
  auto missing = Create(env_.editor,
                                        Request({"acc_01JD3Q8Z6X0000000000000000"}, "hi"));
  auto foreign = Create(env_.editor, Request({foreign_.id}, "hi"));
  ASSERT_THAT(missing, Not(IsOk()));
  ASSERT_THAT(foreign, Not(IsOk()));
  EXPECT_EQ(missing.error().code(), foreign.error().code());
  std::string a = missing.error().message(), b = foreign.error().message();
  a.replace(a.find("acc_"), 30, "ID");
  b.replace(b.find("acc_"), 30, "ID");
  EXPECT_EQ(a, b);
}

TEST_F(PostServiceTest, RefusesEmptyTextWithoutMedia) {
  ExpectRefused(Create(env_.editor, Request({mastodon_.id}, "  \n")),
                ErrorCode::kInvalidArgument, "text: is empty and there is no media");
}

TEST_F(PostServiceTest, RefusesTextOverANetworksLimitSayingByHowMuch) {
  std::string text(290, 'x');  // "none" allows 280, "native" 500
  auto r = Create(env_.editor, Request({mastodon_.id, telegram_.id}, text));
  ExpectRefused(r, ErrorCode::kInvalidArgument, "text for None account @acme_channel");
  EXPECT_THAT(r.error().message(), HasSubstr("290 characters, 10 over None's limit of 280"));
  EXPECT_THAT(r.error().message(), HasSubstr("accounts[1]"));
}

TEST_F(PostServiceTest, OverrideFixesOneNetworksLimit) {
  auto req = Request({mastodon_.id, telegram_.id}, std::string(290, 'x'));
  req.content.overrides[telegram_.id].text = "short version";
  auto r = Create(env_.editor, req);
  ASSERT_THAT(r, IsOk());
  // The override is what that account gets; the others get the main text.
  auto stored = env_.GetPost((*r)["post_id"]);
  auto content = PostContent::FromJson(stored.content);
  ASSERT_THAT(content, IsOk());
  EXPECT_EQ(content->PartsFor(telegram_.id)[0].text, "short version");
  EXPECT_EQ(content->PartsFor(mastodon_.id)[0].text.size(), 290u);
}

TEST_F(PostServiceTest, RefusesOverrideForAnAccountNotInThePost) {
  auto req = Request({mastodon_.id}, "hi");
  req.content.overrides[telegram_.id].text = "x";
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "overrides." + telegram_.id);
}

TEST_F(PostServiceTest, PlatformOptionsAreCheckedAgainstEachNetworksSchemaAndStored) {
  env_.native->info().options_schema = base::Json::parse(R"({
    "type": "object", "additionalProperties": false, "required": ["privacy"],
    "properties": {"privacy": {"type": "string", "enum": ["public", "private"]},
                   "title": {"type": "string", "maxLength": 10}}})");
  // Options for a network not in the post, or one that takes none, change nothing.
  auto req = Request({mastodon_.id}, "hi");
  req.content.platform_options["none"] = {{"privacy", "public"}};
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "platform_options.none: 'none' is not the network of any of this post's "
                "accounts (they are 'native')");
  req = Request({mastodon_.id, telegram_.id}, "hi");
  req.content.platform_options["none"] = {{"privacy", "public"}};
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "platform_options.none: None takes no platform_options");
  // The schema: a missing required option, a value outside the enum, one too long.
  req = Request({mastodon_.id}, "hi");
  req.content.platform_options["native"] = {{"title", "a title that is too long"}};
  auto r = Create(env_.editor, req);
  ExpectRefused(r, ErrorCode::kInvalidArgument, "platform_options.native");
  EXPECT_THAT(r.error().message(), HasSubstr("privacy"));
  EXPECT_THAT(r.error().message(), HasSubstr("platform_options.native.title"));
  req.content.platform_options["native"] = {{"privacy", "friends"}};
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "platform_options.native.privacy");

  // Valid options are stored with the post and reach the network as Content::options.
  req.content.platform_options["native"] = {{"privacy", "private"}, {"title", "Launch"}};
  r = Create(env_.editor, req);
  ASSERT_THAT(r, IsOk());
  auto content = PostContent::FromJson(env_.GetPost((*r)["post_id"]).content);
  ASSERT_THAT(content, IsOk());
  EXPECT_EQ(content->OptionsFor("native"), (base::Json{{"privacy", "private"}, {"title", "Launch"}}));
  EXPECT_EQ(content->OptionsFor("none"), base::Json::object());
}

TEST_F(PostServiceTest, RefusesPublishAtInThePast) {
  auto r = Create(
      env_.editor,
      Request({mastodon_.id}, "hi",
              base::FormatRfc3339(env_.clock.Now() - std::chrono::minutes(1))));
  ExpectRefused(r, ErrorCode::kInvalidArgument, "publish_at: ");
  EXPECT_THAT(r.error().message(), HasSubstr("use publish_post to publish now"));
}

TEST_F(PostServiceTest, AllowsAFewSecondsOfClockSkew) {
  auto r = Create(
      env_.editor, Request({mastodon_.id}, "hi",
                           base::FormatRfc3339(env_.clock.Now() - std::chrono::seconds(3))));
  EXPECT_THAT(r, IsOk());
}

TEST_F(PostServiceTest, RefusesUnparsablePublishAt) {
  ExpectRefused(Create(env_.editor, Request({mastodon_.id}, "hi", "tomorrow 9am")),
                ErrorCode::kInvalidArgument, "publish_at: 'tomorrow 9am' is not an RFC 3339");
}

TEST_F(PostServiceTest, RefusesLocalTimeWithoutTimeZone) {
  ExpectRefused(
      Create(env_.editor, Request({mastodon_.id}, "hi", "2026-07-14T09:00:00")),
      ErrorCode::kInvalidArgument, "publish_at: ");
}

TEST_F(PostServiceTest, RefusesUnknownTimeZone) {
  auto req = Request({mastodon_.id}, "hi", "2026-07-14T09:00:00");
  req.time_zone = "Mars/Olympus_Mons";
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "timezone: 'Mars/Olympus_Mons' is not a known IANA time zone");
}

TEST_F(PostServiceTest, RefusesMissingPublishAt) {
  auto req = Request({mastodon_.id}, "hi");
  req.publish_at.clear();
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "publish_at: required");
}

TEST_F(PostServiceTest, RefusesDuplicateAccounts) {
  ExpectRefused(
      Create(env_.editor, Request({mastodon_.id, telegram_.id, mastodon_.id}, "x")),
      ErrorCode::kInvalidArgument, "accounts[2]: '" + mastodon_.id + "' is listed twice");
}

TEST_F(PostServiceTest, RefusesTenThousandAccounts) {
  std::vector<std::string> many(10'000, mastodon_.id);
  ExpectRefused(Create(env_.editor, Request(many, "x")),
                ErrorCode::kInvalidArgument, "accounts: 10000 accounts given; at most 50");
}

TEST_F(PostServiceTest, RefusesMalformedAccountId) {
  ExpectRefused(Create(env_.editor, Request({"mastodon"}, "x")),
                ErrorCode::kInvalidArgument, "accounts[0]: 'mastodon' is not an account id");
}

TEST_F(PostServiceTest, RefusesUnknownMedia) {
  auto req = Request({mastodon_.id}, "pic");
  req.content.media = {"med_01JD3Q8Z6X0000000000000000"};
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "media[0]: no media");
}

TEST_F(PostServiceTest, RefusesAccountThatNeedsReconnecting) {
  auto a = env_.Account(mastodon_.id);
  a.status = store::AccountStatus::kNeedsReauth;
  ASSERT_THAT(env_.store->Write([&](store::Tx& tx) { return tx.UpdateAccount(a); }), IsOk());
  ExpectRefused(Create(env_.editor, Request({mastodon_.id}, "x")),
                ErrorCode::kInvalidArgument, "needs_reauth; reconnect it");
}

TEST_F(PostServiceTest, RefusesEmptyThreadPart) {
  auto req = Request({mastodon_.id}, "1/2");
  req.content.thread = {{"", {}}};
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "thread[0]: is empty");
}

TEST_F(PostServiceTest, RefusesThreadOnANetworkWithoutThreads) {
  env_.none->info().features.threads = false;
  auto req = Request({telegram_.id}, "1/2");
  req.content.thread = {{"2/2", {}}};
  ExpectRefused(Create(env_.editor, req), ErrorCode::kInvalidArgument,
                "does not support threads");
}

TEST_F(PostServiceTest, ViewerCannotWrite) {
  ExpectRefused(Create(env_.viewer, Request({mastodon_.id}, "x")),
                ErrorCode::kPermissionDenied, "editor role");
}

// ---- idempotency keys ----

TEST_F(PostServiceTest, SameIdempotencyKeyReturnsFirstResultAndCreatesNothing) {
  auto req = Request({mastodon_.id}, "once");
  req.idempotency_key = "k-123";
  auto first = Create(env_.editor, req);
  ASSERT_THAT(first, IsOk());
  env_.clock.Advance(std::chrono::hours(2));
  auto again = Create(env_.editor, req);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(env_.CountPosts(), 1);
}

TEST_F(PostServiceTest, SameIdempotencyKeyWithOtherArgumentsIsAConflict) {
  auto req = Request({mastodon_.id}, "once");
  req.idempotency_key = "k-123";
  ASSERT_THAT(Create(env_.editor, req), IsOk());
  posts_before_ = 1;
  req.content.text = "twice";
  ExpectRefused(Create(env_.editor, req), ErrorCode::kAlreadyExists,
                "idempotency_key 'k-123' was already used");
  // Another tool with the same key is a conflict too.
  req.content.text = "once";
  req.mode = CreateMode::kDraft;
  req.operation = "save_draft";
  ExpectRefused(Create(env_.editor, req), ErrorCode::kAlreadyExists,
                "schedule_post");
}

TEST_F(PostServiceTest, IdempotencyKeyExpiresAfter24Hours) {
  auto req = Request({mastodon_.id}, "daily", "");
  req.idempotency_key = "k-day";
  req.publish_at = base::FormatRfc3339(env_.clock.Now() + std::chrono::hours(48));
  ASSERT_THAT(Create(env_.editor, req), IsOk());
  env_.clock.Advance(std::chrono::hours(25));
  ASSERT_THAT(Create(env_.editor, req), IsOk());
  EXPECT_EQ(env_.CountPosts(), 2);
}

TEST_F(PostServiceTest, IdempotencyKeysAreScopedToTheOrganization) {
  auto req = Request({mastodon_.id}, "mine");
  req.idempotency_key = "shared-key";
  ASSERT_THAT(Create(env_.editor, req), IsOk());
  auto theirs = Request({foreign_.id}, "theirs");
  theirs.idempotency_key = "shared-key";
  auto r = Create(env_.other_editor, theirs);
  ASSERT_THAT(r, IsOk());  // not a replay of acme's post, not a conflict
  EXPECT_EQ(env_.CountPosts(env_.other_org.id), 1);
}

TEST_F(PostServiceTest, ConcurrentRepeatsOfOneKeyCreateOnePost) {
  auto req = Request({mastodon_.id}, "race");
  req.idempotency_key = "k-race";
  std::vector<std::thread> threads;
  std::vector<base::Result<base::Json>> results(8, base::Json());
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = Create(env_.editor, req); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ((*r)["post_id"], (*results[0])["post_id"]);
  }
  EXPECT_EQ(env_.CountPosts(), 1);
}

// ---- organization isolation through every operation ----

TEST_F(PostServiceTest, AnotherOrganizationCannotReadChangeOrDetectAPost) {
  std::string id = env_.Schedule({mastodon_.id}, "private");
  std::string missing = "post_01JD3Q8Z6X0000000000000000";
  const Caller& them = env_.other_editor;
  auto same = [&](const base::Result<base::Json>& a, const base::Result<base::Json>& b) {
    ASSERT_THAT(a, Not(IsOk()));
    ASSERT_THAT(b, Not(IsOk()));
    EXPECT_EQ(a.error().code(), ErrorCode::kNotFound);
    EXPECT_EQ(a.error().code(), b.error().code());
    std::string x = a.error().message(), y = b.error().message();
    x.replace(x.find("post_"), 31, "ID");
    y.replace(y.find("post_"), 31, "ID");
    EXPECT_EQ(x, y);
  };
  same(Get(them, id), Get(them, missing));
  same(Cancel(them, id), Cancel(them, missing));
  same(Retry(them, id, true), Retry(them, missing, true));
  UpdatePostRequest up;
  up.post_id = id;
  up.text = "hijacked";
  UpdatePostRequest up_missing = up;
  up_missing.post_id = missing;
  same(Update(them, up), Update(them, up_missing));
  std::string later = base::FormatRfc3339(env_.clock.Now() + std::chrono::hours(3));
  same(Reschedule(them, id, later, ""),
       Reschedule(them, missing, later, ""));
  same(Delete(them, id),
       Delete(them, missing));
  auto list = List(them, ListPostsRequest{});
  ASSERT_THAT(list, IsOk());
  EXPECT_TRUE((*list)["posts"].empty());
  ListPostsRequest by_account;
  by_account.account_id = mastodon_.id;
  list = List(them, by_account);
  ASSERT_THAT(list, IsOk());
  EXPECT_TRUE((*list)["posts"].empty());
  // And nothing changed.
  auto post = Get(env_.editor, id);
  ASSERT_THAT(post, IsOk());
  EXPECT_EQ((*post)["status"], "scheduled");
  EXPECT_EQ((*post)["content"]["text"], "private");
}

// ---- editing ----

TEST_F(PostServiceTest, UpdateChangesContentTimeAndAccounts) {
  std::string id = env_.Schedule({mastodon_.id, telegram_.id}, "v1");
  auto old_targets = env_.Targets(id);
  auto other = env_.AddAccount("reconcile", "@acme.bsky.social");
  UpdatePostRequest up;
  up.post_id = id;
  up.text = "v2";
  up.accounts = std::vector<std::string>{mastodon_.id, other.id};
  up.publish_at = base::FormatRfc3339(env_.clock.Now() + std::chrono::hours(5));
  auto r = Update(env_.editor, up);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["targets"].size(), 2u);
  auto targets = env_.Targets(id);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].id, old_targets[0].id);  // kept, with its identity
  EXPECT_EQ(targets[0].idempotency_key, old_targets[0].idempotency_key);
  EXPECT_EQ(targets[1].account_id, other.id);
  for (const auto& t : targets) {
    auto jobs = env_.Jobs(t.id);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].run_at, env_.clock.Now() + std::chrono::hours(5));
  }
  EXPECT_EQ(env_.GetPost(id).content["text"], "v2");
}

TEST_F(PostServiceTest, UpdateValidatesNewTextAgainstTheNetworks) {
  std::string id = env_.Schedule({telegram_.id}, "short");
  UpdatePostRequest up;
  up.post_id = id;
  up.text = std::string(300, 'y');
  auto r = Update(env_.editor, up);
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_THAT(r.error().message(), HasSubstr("20 over"));
  EXPECT_EQ(env_.GetPost(id).content["text"], "short");
}

TEST_F(PostServiceTest, NewTimeZoneAloneKeepsTheWallClockTime) {
  auto req = Request({mastodon_.id}, "nine", "2026-07-14T09:00:00");
  req.time_zone = "Europe/Paris";
  auto r = Create(env_.editor, req);
  ASSERT_THAT(r, IsOk());
  UpdatePostRequest up;
  up.post_id = (*r)["post_id"];
  up.time_zone = "America/New_York";
  auto u = Update(env_.editor, up);
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ((*u)["publish_at_local"], "2026-07-14T09:00:00-04:00");
  EXPECT_EQ((*u)["publish_at"], "2026-07-14T13:00:00Z");
}

TEST_F(PostServiceTest, CancelStopsQueuedTargetsAndSaysSo) {
  std::string id = env_.Schedule({mastodon_.id, telegram_.id}, "stop");
  auto r = Cancel(env_.editor, id);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["status"], "cancelled");
  for (const auto& t : (*r)["targets"]) {
    EXPECT_TRUE(t["stopped"].get<bool>());
    EXPECT_EQ(t["status"], "cancelled");
  }
  for (const auto& t : env_.Targets(id)) {
    EXPECT_EQ(env_.Jobs(t.id)[0].state, store::JobState::kCancelled);
  }
  // Cancelled posts cannot be edited.
  UpdatePostRequest up;
  up.post_id = id;
  up.text = "x";
  auto u = Update(env_.editor, up);
  ASSERT_THAT(u, StatusIs(ErrorCode::kFailedPrecondition));
}

TEST_F(PostServiceTest, RetryWithNothingFailedSaysWhy) {
  std::string id = env_.Schedule({mastodon_.id}, "fine");
  auto r = Retry(env_.editor, id, false);
  ASSERT_THAT(r, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_THAT(r.error().message(), HasSubstr("no target has failed"));
}

// ---- reads ----

TEST_F(PostServiceTest, ListIsNewestFirstPaginatedAndFiltered) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(env_.Schedule({i % 2 == 0 ? mastodon_.id : telegram_.id},
                                "post " + std::to_string(i)));
    env_.clock.Advance(std::chrono::seconds(1));
  }
  ListPostsRequest page;
  page.limit = 2;
  std::vector<std::string> seen;
  for (int n = 0; n < 5; ++n) {
    auto r = List(env_.viewer, page);
    ASSERT_THAT(r, IsOk());
    for (const auto& p : (*r)["posts"]) seen.push_back(p["post_id"]);
    if ((*r)["next_cursor"].is_null()) break;
    page.cursor = (*r)["next_cursor"];
  }
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0], ids[4]);
  EXPECT_EQ(seen[4], ids[0]);

  ListPostsRequest by_account;
  by_account.account_id = telegram_.id;
  auto r = List(env_.viewer, by_account);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["posts"].size(), 2u);

  ListPostsRequest bad;
  bad.cursor = "garbage!";
  auto b = List(env_.viewer, bad);
  ASSERT_THAT(b, Not(IsOk()));
  EXPECT_THAT(b.error().message(), HasSubstr("cursor: "));
}

TEST_F(PostServiceTest, ValidateReportsEveryAccountWithoutStoring) {
  ValidatePostRequest req;
  req.accounts = {mastodon_.id, telegram_.id};
  req.content.text = std::string(300, 'z');
  auto r = Validate(env_.viewer, req);
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE((*r)["ok"].get<bool>());
  EXPECT_TRUE((*r)["accounts"][0]["ok"].get<bool>());
  EXPECT_EQ((*r)["accounts"][0]["length"], 300);
  EXPECT_EQ((*r)["accounts"][0]["limit"], 500);
  EXPECT_FALSE((*r)["accounts"][1]["ok"].get<bool>());
  EXPECT_EQ((*r)["accounts"][1]["violations"][0]["field"], "text");
  EXPECT_THAT((*r)["accounts"][1]["violations"][0]["message"].get<std::string>(),
              HasSubstr("20 over"));
}

// ---- media ----
// Uploads, probes and their refusals are tested in media_service_test.cpp; here a media row is
// inserted directly to check how posts refer to media.

std::string InsertMediaRow(store::Store& store, const std::string& org_id, base::Time now) {
  store::Media m;
  m.id = base::NewId(base::kMediaPrefix, now);
  m.org_id = org_id;
  m.mime_type = "image/png";
  m.sha256 = base::Sha256Hex("png");
  m.size = 3;
  m.data = "png";
  m.created_at = now;
  EXPECT_THAT(store.Write([&](store::Tx& tx) { return tx.InsertMedia(m); }), IsOk());
  return m.id;
}

TEST_F(PostServiceTest, MediaIsUsableByItsOrganizationOnly) {
  std::string id = InsertMediaRow(*env_.store, env_.org.id, env_.clock.Now());
  auto post = Request({mastodon_.id}, "");
  post.content.media = {id};
  EXPECT_THAT(Create(env_.editor, post), IsOk());
  auto theirs = Request({foreign_.id}, "");
  theirs.content.media = {id};
  auto t = Create(env_.other_editor, theirs);
  ASSERT_THAT(t, Not(IsOk()));
  EXPECT_THAT(t.error().message(), HasSubstr("media[0]: no media"));
}

}  // namespace
}  // namespace herald::core
