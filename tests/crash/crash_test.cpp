// Crash test: the real `herald worker` binary publishes 1,000+ due posts to loopback emulator
// PROCESSES while it is killed with SIGKILL at random moments (at least 20 times) and
// restarted; the emulators also drop answers after applying requests (posts and media uploads)
// and the OAuth networks' access tokens expire mid-queue now and then. Afterwards every post is
// on a network with native idempotency (Mastodon) exactly once; on the networks herald
// reconciles (X, LinkedIn member and page) exactly once or `unknown`, never twice, each image
// attached once; on a network without either (Telegram) at most once, `unknown` when herald
// could not know. No OAuth account ends needs_reauth and X never saw a rotated refresh token
// twice. Runs on SQLite and on PostgreSQL (HERALD_TEST_PG_URL), and with two herald processes
// sharing one PostgreSQL.
//
// Accounts are connected through the real AccountService against the emulators (as
// connect_account does; the OAuth networks through the authorization URL, the emulator's
// redirect and CompleteOAuth); posts are created through the real PostService in this
// process, on the same database the herald processes use.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "base/time.h"
#include "app/config.h"
#include "app/services.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/crash/crash_support.h"
#include "tests/media/media_test_files.h"
#include "tests/store/test_support.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::crash {
namespace {

using ::herald::matchers::IsOk;

using std::chrono::milliseconds;
using std::chrono::seconds;

class CrashTest : public ::testing::TestWithParam<CrashCase> {};


TEST_P(CrashTest, EveryPostExactlyOnceThroughSigkills) {
  const CrashCase& c = GetParam();
  constexpr int kPosts = 1000;           // due posts
  constexpr int kKills = 20;             // SIGKILLs at random moments
  constexpr int kAccountsPerNetwork = 8;

  store::testing::TempDir dir;
  auto db = store::testing::MakeTestDatabase(c.backend);
  ASSERT_THAT(db, IsOk());
  const std::string db_url = (*db)->url();

  // The emulators, as processes.
  auto start = [](const char* network) {
    return emulators::EmulatorProcess::Start(
        emulators::EmulatorProcess::DefaultBinary(HERALD_EMULATOR_BIN), network);
  };
  auto mastodon = start("mastodon");
  ASSERT_THAT(mastodon, IsOk());
  auto telegram = start("telegram");
  ASSERT_THAT(telegram, IsOk());
  auto x = start("x");
  ASSERT_THAT(x, IsOk());
  auto linkedin = start("linkedin");
  ASSERT_THAT(linkedin, IsOk());
  const std::string x_url = (*x)->base_url();
  const std::string linkedin_url = (*linkedin)->base_url();
  emulators::EmulatorClient mastodon_ctl((*mastodon)->base_url());
  emulators::EmulatorClient telegram_ctl((*telegram)->base_url());
  emulators::EmulatorClient x_ctl(x_url);
  emulators::EmulatorClient linkedin_ctl(linkedin_url);
  ASSERT_THAT(mastodon_ctl.SetConfig({{"rate_limit", 1'000'000}}), IsOk());
  ASSERT_THAT(telegram_ctl.SetConfig({{"chat_messages_per_minute", 1'000'000}}), IsOk());
  ASSERT_THAT(x_ctl.SetConfig({{"tweet_rate_limit", 1'000'000},
                               {"read_rate_limit", 1'000'000},
                               {"media_rate_limit", 1'000'000},
                               {"me_rate_limit", 1'000'000},
                               {"user_daily_post_limit", 1'000'000}}),
              IsOk());
  // Refresh tokens (not rotated on LinkedIn), so an expired access token is renewed.
  ASSERT_THAT(linkedin_ctl.SetConfig(
                  {{"issue_refresh_tokens", true}, {"daily_post_limit", 1'000'000}}),
              IsOk());

  // Services on the same data directory and database as the herald processes.
  app::Config config;
  config.data_dir = dir.path();
  config.db_url = db_url;
  config.api_urls["telegram"] = (*telegram)->base_url();
  // Where the networks send the browser back to (never followed: the test completes the
  // callback itself).
  config.public_url = "https://herald.example";
  config.api_urls["x"] = x_url;
  config.auth_urls["x"] = x_url;
  config.api_urls["linkedin"] = linkedin_url;
  config.auth_urls["linkedin"] = linkedin_url;
  config.oauth_clients["x"] = {"herald-x-client", "herald-x-secret"};
  config.oauth_clients["linkedin"] = {"linkedin-client", "linkedin-secret"};
  auto built = app::BuildServices(config);
  ASSERT_THAT(built, IsOk());
  app::Services& services = **built;
  base::Caller admin{services.default_org.id, "", base::Role::kAdmin};

  // Accounts, connected the way connect_account does it.
  std::vector<std::string> mastodon_accounts, telegram_accounts;
  for (int i = 0; i < kAccountsPerNetwork; ++i) {
    auto token = mastodon_ctl.CreateToken({{"username", "crash" + std::to_string(i)}});
    ASSERT_THAT(token, IsOk());
    auto connected = testing::Await(services.accounts->Connect(
        admin, "mastodon",
        {{"instance_url", (*mastodon)->base_url()}, {"access_token", (*token)["token"]}}));
    ASSERT_THAT(connected, IsOk());
    mastodon_accounts.push_back(connected->account.id);

    auto bot = telegram_ctl.CreateToken({{"username", "crashbot" + std::to_string(i)}});
    ASSERT_THAT(bot, IsOk());
    const int64_t chat_id = -1005000000000 - i;
    auto chat = telegram_ctl.Control("telegram", "chats",
                                     {{"id", chat_id},
                                      {"type", "channel"},
                                      {"title", "crash chat " + std::to_string(i)},
                                      {"bot_id", (*bot)["bot_id"]},
                                      {"bot_status", "administrator"},
                                      {"can_post_messages", true}});
    ASSERT_THAT(chat, IsOk());
    auto tg = testing::Await(services.accounts->Connect(
        admin, "telegram", {{"bot_token", (*bot)["token"]}, {"chat_id", std::to_string(chat_id)}}));
    ASSERT_THAT(tg, IsOk());
    telegram_accounts.push_back(tg->account.id);
  }

  // The OAuth networks: the X user, the LinkedIn member and a page they administer (whatever
  // else connecting discovers is used too).
  auto x_connected = ConnectOAuth(services, admin, "x", x_ctl, x_url);
  ASSERT_EQ(x_connected.kind, core::OAuthCallbackResult::Kind::kConnected) << x_connected.message;
  const std::string x_account = x_connected.account->id;
  auto li_connected = ConnectOAuth(services, admin, "linkedin", linkedin_ctl, linkedin_url);
  ASSERT_EQ(li_connected.kind, core::OAuthCallbackResult::Kind::kConnected)
      << li_connected.message;
  auto page_connected = ConnectOAuth(services, admin, "linkedin_page", linkedin_ctl, linkedin_url);
  ASSERT_EQ(page_connected.kind, core::OAuthCallbackResult::Kind::kConnected)
      << page_connected.message;
  auto all_accounts = store::ReadValue<std::vector<store::Account>>(
      *services.store, [&](store::Tx& tx) { return tx.ListAccounts(services.default_org.id); });
  ASSERT_THAT(all_accounts, IsOk());
  std::vector<std::string> linkedin_accounts;  // member first, then the pages
  std::vector<std::string> oauth_accounts = {x_account};
  for (const auto& a : *all_accounts) {
    if (a.platform == "linkedin") linkedin_accounts.insert(linkedin_accounts.begin(), a.id);
    if (a.platform == "linkedin_page") linkedin_accounts.push_back(a.id);
    if (a.platform == "linkedin" || a.platform == "linkedin_page") oauth_accounts.push_back(a.id);
  }
  ASSERT_GE(linkedin_accounts.size(), 2u);

  // One small image (made here), attached to some X and LinkedIn posts.
  media::testing::TempDir media_dir;
  const std::string png = media_dir.Path("crash.png");
  media::testing::Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=64x48:rate=1", "-frames:v", "1"},
                         png);
  core::UploadMediaRequest upload;
  upload.data_base64 = base::Base64Encode(media::testing::ReadFile(png));
  auto image = testing::Await(services.media->Upload(admin, upload));
  ASSERT_THAT(image, IsOk()) << image.error().message();

  // 1,000 due posts, each to one Mastodon and one Telegram account; every 10th is a thread.
  // Every 4th (i % 4 == 1) also goes to X and every 4th (i % 4 == 3) to LinkedIn (the member
  // or a page, in turn); one in five of those carries the image.
  auto to_x = [](int i) { return i % 4 == 1; };
  auto to_linkedin = [](int i) { return i % 4 == 3; };
  auto with_image = [](int i) { return i % 20 == 1 || i % 20 == 3; };
  std::vector<std::string> post_ids;
  for (int i = 0; i < kPosts; ++i) {
    core::CreatePostRequest req;
    req.mode = core::CreateMode::kPublishNow;
    req.accounts = {mastodon_accounts[static_cast<size_t>(i % kAccountsPerNetwork)],
                    telegram_accounts[static_cast<size_t>((i / 3) % kAccountsPerNetwork)]};
    if (to_x(i)) req.accounts.push_back(x_account);
    if (to_linkedin(i)) {
      req.accounts.push_back(linkedin_accounts[static_cast<size_t>(i / 4) % linkedin_accounts.size()]);
    }
    req.content.text = "crash post " + std::to_string(i);
    if (i % 10 == 0) req.content.thread = {{"crash post " + std::to_string(i) + " part 2", {}}};
    if (with_image(i)) req.content.media = {image->id};
    auto r = services.posts->CreateSync(admin, req);
    ASSERT_THAT(r, IsOk());
    post_ids.push_back(r->post.id);
  }

  const std::map<std::string, std::string> env = {
      {"HERALD_DATA", dir.path()},
      {"HERALD_DB", db_url},
      {"HERALD_TELEGRAM_API_URL", (*telegram)->base_url()},
      {"HERALD_PUBLIC_URL", config.public_url},
      {"HERALD_X_API_URL", x_url},
      {"HERALD_X_AUTH_URL", x_url},
      {"HERALD_X_CLIENT_ID", "herald-x-client"},
      {"HERALD_X_CLIENT_SECRET", "herald-x-secret"},
      {"HERALD_LINKEDIN_API_URL", linkedin_url},
      {"HERALD_LINKEDIN_AUTH_URL", linkedin_url},
      {"HERALD_LINKEDIN_CLIENT_ID", "linkedin-client"},
      {"HERALD_LINKEDIN_CLIENT_SECRET", "linkedin-secret"},
      {"HERALD_WORKER_LEASE_MS", "2500"},
      {"HERALD_PUBLISH_TIMEOUT_MS", "1800"},
      {"HERALD_RETRY_INITIAL_MS", "200"},
      {"HERALD_RETRY_MAX_ATTEMPTS", "50"},
      // Slow enough that the kills land in the middle of the work.
      {"HERALD_PUBLISH_RATES",
       "mastodon=30/5,telegram=30/5,x=30/5,linkedin=30/5,linkedin_page=30/5"},
      {"HERALD_LOG_LEVEL", "warn"}};
  const std::vector<std::string> argv = {HERALD_BIN, "worker"};
  const std::string log = dir.File("herald.log");

  std::mt19937 rng(std::random_device{}());
  int kills = 0;
  for (; kills < kKills; ++kills) {
    // Now and then an answer is lost after the network applied the request.
    if (kills % 3 == 0) {
      ASSERT_TRUE(DropAfterAccept(mastodon_ctl, "POST", "/api/v1/statuses*", 2));
      ASSERT_TRUE(DropAfterAccept(telegram_ctl, "POST", "*sendMessage*", 1));
      ASSERT_TRUE(DropAfterAccept(x_ctl, "POST", "/2/tweets", 1));
      ASSERT_TRUE(DropAfterAccept(linkedin_ctl, "POST", "/rest/posts", 1));
    }
    // Media uploaded, the answer lost: the next attempt reuses it or uploads again, and
    // attaches one.
    if (kills % 3 == 1) {
      ASSERT_TRUE(DropAfterAccept(x_ctl, "POST", "/2/media/upload/*/finalize", 1));
      ASSERT_TRUE(DropAfterAccept(linkedin_ctl, "PUT", "/upload/images/*", 1));
    }
    // Access tokens expire mid-queue: herald renews them (X rotates refresh tokens; one sent
    // twice would revoke the grant).
    if (kills % 4 == 2) {
      ASSERT_THAT(x_ctl.ExpireTokens(), IsOk());
      ASSERT_THAT(linkedin_ctl.ExpireTokens(), IsOk());
    }
    auto procs = StartWorkers(argv, env, log, c.processes);
    ASSERT_EQ(procs.size(), static_cast<size_t>(c.processes));
    // A random moment (the point of the test): the children's output is watched meanwhile, so
    // one that dies on its own is noticed rather than slept through.
    auto kill_at = std::chrono::steady_clock::now() +
                   milliseconds(std::uniform_int_distribution<int>(50, 1200)(rng));
    if (kills % 4 == 2) {
      // Not while X renews the expired token: a kill between X's answer (the old refresh
      // token now spent) and herald storing the new pair loses the grant, which no client of
      // a rotating grant can avoid. The kill waits (bounded) for the renewal, then some more.
      auto refreshes = [&] {
        auto info = x_ctl.Info();
        return info.ok() ? info->value("refreshes", 0) : 0;
      };
      const int before = refreshes();
      const auto until = std::chrono::steady_clock::now() + seconds(3);
      while (refreshes() == before && std::chrono::steady_clock::now() < until) {
        for (auto& p : procs) p->WatchUntil(std::chrono::steady_clock::now() + milliseconds(20));
      }
      kill_at = std::max(kill_at, std::chrono::steady_clock::now() + milliseconds(200));
    }
    for (auto& p : procs) EXPECT_TRUE(p->WatchUntil(kill_at)) << "herald exited early; see " << log;
    for (auto& p : procs) {
      int status = p->Kill(SIGKILL);
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
  }

  // Let the last run finish everything (bounded), then stop it cleanly.
  auto procs = StartWorkers(argv, env, log, c.processes);
  ASSERT_EQ(procs.size(), static_cast<size_t>(c.processes));
  ASSERT_TRUE(RunUntilSettled(services, procs, seconds(240)))
      << "herald exited while posts were pending; see " << log;
  if (!AllSettled(services)) {
    // What is still pending, and why (the log goes with the temporary directory).
    std::string why;
    int shown = 0;
    for (size_t i = 0; i < post_ids.size() && shown < 10; ++i) {
      auto targets = store::ReadValue<std::vector<store::PostTarget>>(
          *services.store,
          [&](store::Tx& tx) { return tx.ListTargets(services.default_org.id, post_ids[i]); });
      if (!targets.ok()) continue;
      for (const auto& t : *targets) {
        if (t.status == store::TargetStatus::kPublished || t.status == store::TargetStatus::kUnknown) {
          continue;
        }
        why += "\n  crash post " + std::to_string(i) + " on " + t.account_id + ": " +
               std::string(store::TargetStatusName(t.status)) + " " + t.last_error;
        ++shown;
      }
    }
    const std::string tail = media::testing::ReadFile(log);
    FAIL() << "posts still pending after 240 s:" << why << "\nherald log ends:\n"
           << tail.substr(tail.size() > 4000 ? tail.size() - 4000 : 0);
  }
  for (auto& p : procs) {
    int status = p->Kill(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }

  // What the networks hold, by text.
  auto count_by_text = [](emulators::EmulatorClient& ctl) {
    std::map<std::string, int> out;
    auto posts = ctl.Posts();
    EXPECT_THAT(posts, IsOk());
    if (!posts.ok()) return out;
    for (const auto& p : *posts) {
      if (!p.value("deleted", false)) ++out[p.value("text", std::string())];
    }
    return out;
  };
  auto on_mastodon = count_by_text(mastodon_ctl);
  auto on_telegram = count_by_text(telegram_ctl);
  auto on_x = count_by_text(x_ctl);
  auto on_linkedin = count_by_text(linkedin_ctl);

  // Media on the reconciled networks: each live post carries its image once, and no uploaded
  // media object is attached to two posts.
  std::map<std::string, int> media_count;  // by post text
  for (auto* ctl : {&x_ctl, &linkedin_ctl}) {
    auto posts = ctl->Posts();
    ASSERT_THAT(posts, IsOk());
    std::map<std::string, std::string> attached_to;  // media id -> post text
    for (const auto& p : *posts) {
      if (p.value("deleted", false)) continue;
      const std::string text = p.value("text", std::string());
      std::set<std::string> ids;
      for (const auto& m : p.value("media", base::Json::array())) {
        const std::string id = m.value("id", std::string());
        EXPECT_TRUE(ids.insert(id).second) << text << ": media " << id << " attached twice";
        auto [it, fresh] = attached_to.emplace(id, text);
        EXPECT_TRUE(fresh) << "media " << id << " on both " << it->second << " and " << text;
        ++media_count[text];
      }
    }
  }

  // No OAuth account lost its grant: tokens were renewed, a rotated refresh token never sent
  // twice.
  for (const auto& id : oauth_accounts) {
    auto a = store::ReadValue<store::Account>(
        *services.store,
        [&](store::Tx& tx) { return tx.GetAccount(services.default_org.id, id); });
    ASSERT_THAT(a, IsOk());
    EXPECT_EQ(a->status, store::AccountStatus::kActive) << a->platform << ": " << a->last_error;
  }
  auto x_info = x_ctl.Info();
  ASSERT_THAT(x_info, IsOk());
  EXPECT_EQ((*x_info).value("refresh_token_reuses", -1), 0) << x_info->dump();
  EXPECT_GE((*x_info).value("refreshes", 0), 1) << "no X token was renewed: " << x_info->dump();

  int published = 0, unknown = 0, telegram_unknown_absent = 0;
  struct Tally {
    int published = 0;
    int unknown = 0;
  } x_tally, linkedin_tally;
  for (int i = 0; i < kPosts; ++i) {
    const std::string text = "crash post " + std::to_string(i);
    auto targets = store::ReadValue<std::vector<store::PostTarget>>(
        *services.store, [&](store::Tx& tx) {
          return tx.ListTargets(services.default_org.id, post_ids[static_cast<size_t>(i)]);
        });
    ASSERT_THAT(targets, IsOk());
    const bool reconciled = to_x(i) || to_linkedin(i);
    ASSERT_EQ(targets->size(), reconciled ? 3u : 2u);
    // The targets by network: the Mastodon, Telegram and (maybe) X or LinkedIn one.
    auto on = [&](const std::vector<std::string>& accounts) -> const store::PostTarget& {
      for (const auto& target : *targets) {
        if (std::find(accounts.begin(), accounts.end(), target.account_id) != accounts.end()) {
          return target;
        }
      }
      ADD_FAILURE() << text << ": no target among the accounts";
      return targets->front();
    };
    const auto& m = on(mastodon_accounts);
    const auto& t = on(telegram_accounts);
    if (reconciled) {
      // Reconciled: exactly once; `unknown` only when herald could not tell, never twice.
      const auto& r = on(to_x(i) ? std::vector<std::string>{x_account} : linkedin_accounts);
      auto& on_network = to_x(i) ? on_x : on_linkedin;
      auto& tally = to_x(i) ? x_tally : linkedin_tally;
      EXPECT_LE(on_network[text], 1) << text;
      if (r.status == store::TargetStatus::kPublished) {
        ++tally.published;
        EXPECT_EQ(on_network[text], 1) << text;
        EXPECT_FALSE(r.external_id.empty()) << text;
        EXPECT_FALSE(r.url.empty()) << text;
      } else {
        EXPECT_EQ(r.status, store::TargetStatus::kUnknown) << text << ": " << r.last_error;
        ++tally.unknown;
      }
      if (on_network[text] == 1) {
        EXPECT_EQ(media_count[text], with_image(i) ? 1 : 0) << text;
      }
    }
    // Native idempotency: exactly once, and herald knows it.
    EXPECT_EQ(on_mastodon[text], 1) << text;
    EXPECT_EQ(m.status, store::TargetStatus::kPublished) << text << ": " << m.last_error;
    if (i % 10 == 0) {
      EXPECT_EQ(on_mastodon[text + " part 2"], 1) << text;
    }
    // No idempotency: never twice; published means there, unknown may be either.
    EXPECT_LE(on_telegram[text], 1) << text;
    if (i % 10 == 0) {
      EXPECT_LE(on_telegram[text + " part 2"], 1) << text;
    }
    if (t.status == store::TargetStatus::kPublished) {
      ++published;
      EXPECT_EQ(on_telegram[text], 1) << text;
    } else {
      EXPECT_EQ(t.status, store::TargetStatus::kUnknown) << text << ": " << t.last_error;
      ++unknown;
      if (on_telegram[text] == 0) ++telegram_unknown_absent;
    }
  }
  std::printf("crash test %s: %d kills, %d posts; telegram: %d published, %d unknown (%d of "
              "them not on the network); x: %d published, %d unknown; linkedin: %d published, "
              "%d unknown\n",
              c.name, kills, kPosts, published, unknown, telegram_unknown_absent,
              x_tally.published, x_tally.unknown, linkedin_tally.published,
              linkedin_tally.unknown);
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest, ::testing::ValuesIn(CrashCases()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace herald::crash
