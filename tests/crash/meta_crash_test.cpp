// Meta crash test (Facebook Pages, Instagram, Threads): the real `herald worker` publishes to
// `herald-emulator meta` and `herald-emulator threads` (processes) while it is SIGKILLed at
// random moments and restarted; the emulators also lose answers after applying a publish
// (Facebook POST /{page}/feed and /{page}/photos, Instagram POST /{ig-user}/media_publish,
// Threads POST /{user}/threads_publish). Afterwards every post is on its network exactly once
// and herald says it is published: these networks reconcile (a saved container is asked about
// before anything is made again; a Facebook post is looked up among the Page's posts), so no
// target ends `unknown`, no Instagram container is published twice and no account loses its
// grant.
//
// Media: Instagram and Threads download images from herald's signed public URL, which the
// worker does not serve; a `herald serve --no-workers` process (never killed) on the same data
// directory and database serves GET /media/... on loopback, and HERALD_PUBLIC_URL points at it.
// So every Instagram post and some Facebook posts (one photo: POST /{page}/photos url) carry a
// PNG image (herald converts it to JPEG for Instagram); the Threads posts are text, some of
// them two-part threads (the second part a reply). Runs on SQLite, PostgreSQL
// (HERALD_TEST_PG_URL) and two processes on one PostgreSQL.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/services.h"
#include "base/crypto.h"
#include "tests/crash/crash_support.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/media/media_test_files.h"
#include "tests/store/test_support.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald::crash {
namespace {

using ::herald::matchers::IsOk;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A loopback port nobody listens on now (the serve process binds it right after).
int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

enum class Net { kFacebook, kInstagram, kThreads };

// Post i goes to one network, in turn; every Instagram post has the image, every third
// Facebook post too; every other Threads post is a two-part thread.
Net NetOf(int i) { return static_cast<Net>(i % 3); }
bool WithImage(int i) { return NetOf(i) == Net::kInstagram || (NetOf(i) == Net::kFacebook && i % 9 == 0); }
bool IsThread(int i) { return NetOf(i) == Net::kThreads && i % 6 == 2; }
std::string TextOf(int i) { return "meta crash post " + std::to_string(i); }

class MetaCrashTest : public ::testing::TestWithParam<CrashCase> {};

TEST_P(MetaCrashTest, EveryPostExactlyOnceThroughSigkillsMidPublish) {
  const CrashCase& c = GetParam();
  constexpr int kPosts = 45;
  constexpr int kKills = 8;

  store::testing::TempDir dir;
  auto db = store::testing::MakeTestDatabase(c.backend);
  ASSERT_THAT(db, IsOk());
  const std::string db_url = (*db)->url();

  const std::string emulator_bin = emulators::EmulatorProcess::DefaultBinary(HERALD_EMULATOR_BIN);
  auto meta = emulators::EmulatorProcess::Start(emulator_bin, "meta");
  ASSERT_THAT(meta, IsOk());
  auto threads = emulators::EmulatorProcess::Start(emulator_bin, "threads");
  ASSERT_THAT(threads, IsOk());
  const std::string meta_url = (*meta)->base_url();
  const std::string threads_url = (*threads)->base_url();
  emulators::EmulatorClient meta_ctl(meta_url);
  emulators::EmulatorClient threads_ctl(threads_url);
  ASSERT_THAT(meta_ctl.SetConfig({{"calls_per_hour", 1'000'000},
                                  {"ig_quota_total", 1'000'000},
                                  {"container_polls", 1}}),
              IsOk());
  ASSERT_THAT(threads_ctl.SetConfig({{"call_limit", 1'000'000},
                                     {"quota_total", 1'000'000},
                                     {"reply_quota_total", 1'000'000},
                                     {"container_polls", 1}}),
              IsOk());

  // herald's public URL: a `herald serve` on loopback that serves the signed media URLs.
  const int port = FreeLoopbackPort();
  ASSERT_GT(port, 0);
  const std::string public_url = "http://127.0.0.1:" + std::to_string(port);

  app::Config config;
  config.data_dir = dir.path();
  config.db_url = db_url;
  config.public_url = public_url;
  for (const char* id : {"facebook", "instagram"}) {
    config.api_urls[id] = meta_url;
    config.auth_urls[id] = meta_url;
  }
  config.api_urls["threads"] = threads_url;
  config.auth_urls["threads"] = threads_url;
  config.oauth_clients["facebook"] = {"meta-client", "meta-secret"};
  config.oauth_clients["threads"] = {"herald-threads-client", "herald-threads-secret"};
  auto built = app::BuildServices(config);
  ASSERT_THAT(built, IsOk());
  app::Services& services = **built;
  base::Caller admin{services.default_org.id, "", base::Role::kAdmin};

  // Facebook Login: the Pages become `facebook` accounts, the linked Instagram account an
  // `instagram` one.
  auto fb_connected = ConnectOAuth(services, admin, "facebook", meta_ctl, meta_url);
  ASSERT_EQ(fb_connected.kind, core::OAuthCallbackResult::Kind::kConnected)
      << fb_connected.message;
  auto th_connected = ConnectOAuth(services, admin, "threads", threads_ctl, threads_url);
  ASSERT_EQ(th_connected.kind, core::OAuthCallbackResult::Kind::kConnected)
      << th_connected.message;
  auto all_accounts = store::ReadValue<std::vector<store::Account>>(
      *services.store, [&](store::Tx& tx) { return tx.ListAccounts(services.default_org.id); });
  ASSERT_THAT(all_accounts, IsOk());
  std::vector<std::string> pages;
  std::string instagram;
  for (const auto& a : *all_accounts) {
    if (a.platform == "facebook") pages.push_back(a.id);
    if (a.platform == "instagram") instagram = a.id;
  }
  ASSERT_FALSE(pages.empty());
  ASSERT_FALSE(instagram.empty());
  const std::string threads_account = th_connected.account->id;

  // One small image (made here): PNG, converted to JPEG for Instagram.
  media::testing::TempDir media_dir;
  const std::string png = media_dir.Path("crash.png");
  media::testing::Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=320x320:rate=1", "-frames:v", "1"},
                         png);
  core::UploadMediaRequest upload;
  upload.data_base64 = base::Base64Encode(media::testing::ReadFile(png));
  auto image = testing::Await(services.media->Upload(admin, upload));
  ASSERT_THAT(image, IsOk()) << image.error().message();

  std::vector<std::string> post_ids;
  for (int i = 0; i < kPosts; ++i) {
    core::CreatePostRequest req;
    req.mode = core::CreateMode::kPublishNow;
    switch (NetOf(i)) {
      case Net::kFacebook:
        req.accounts = {pages[static_cast<size_t>(i / 3) % pages.size()]};
        break;
      case Net::kInstagram:
        req.accounts = {instagram};
        break;
      case Net::kThreads:
        req.accounts = {threads_account};
        break;
    }
    req.content.text = TextOf(i);
    if (WithImage(i)) req.content.media = {image->id};
    if (IsThread(i)) req.content.thread = {{TextOf(i) + " part 2", {}}};
    auto r = services.posts->CreateSync(admin, req);
    ASSERT_THAT(r, IsOk());
    post_ids.push_back(r->post.id);
  }

  const std::map<std::string, std::string> env = {
      {"HERALD_DATA", dir.path()},
      {"HERALD_DB", db_url},
      {"HERALD_PUBLIC_URL", public_url},
      {"HERALD_FACEBOOK_API_URL", meta_url},
      {"HERALD_FACEBOOK_AUTH_URL", meta_url},
      {"HERALD_INSTAGRAM_API_URL", meta_url},
      {"HERALD_INSTAGRAM_AUTH_URL", meta_url},
      {"HERALD_FACEBOOK_CLIENT_ID", "meta-client"},
      {"HERALD_FACEBOOK_CLIENT_SECRET", "meta-secret"},
      {"HERALD_THREADS_API_URL", threads_url},
      {"HERALD_THREADS_AUTH_URL", threads_url},
      {"HERALD_THREADS_CLIENT_ID", "herald-threads-client"},
      {"HERALD_THREADS_CLIENT_SECRET", "herald-threads-secret"},
      {"HERALD_WORKER_LEASE_MS", "2500"},
      {"HERALD_PUBLISH_TIMEOUT_MS", "5000"},
      {"HERALD_RETRY_INITIAL_MS", "200"},
      {"HERALD_RETRY_MAX_ATTEMPTS", "50"},
      // Slow enough that the kills land in the middle of the work.
      {"HERALD_PUBLISH_RATES", "facebook=4/2,instagram=4/2,threads=4/2"},
      {"HERALD_LOG_LEVEL", "warn"}};
  const std::string log = dir.File("herald.log");

  // The media server: not a worker, never killed.
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  auto server = StartWorkers({HERALD_BIN, "serve", "--no-workers", "--auth", "none", "--listen",
                              listen},
                             env, log, 1, "listening on");
  ASSERT_EQ(server.size(), 1u) << "herald serve did not start; see " << log;

  // Making a container takes a while (the publishes themselves are left to the drops), so
  // kills land between a saved container and its publish.
  ASSERT_THAT(meta_ctl.ArmFault({{"kind", "slow"},
                                 {"method", "POST"},
                                 {"path", "/v24.0/*/media"},
                                 {"count", -1},
                                 {"delay_ms", 150}}),
              IsOk());
  ASSERT_THAT(threads_ctl.ArmFault({{"kind", "slow"},
                                    {"method", "POST"},
                                    {"path", "/v1.0/*/threads"},
                                    {"count", -1},
                                    {"delay_ms", 150}}),
              IsOk());

  const std::vector<std::string> argv = {HERALD_BIN, "worker"};
  std::mt19937 rng(std::random_device{}());
  int kills = 0;
  for (; kills < kKills; ++kills) {
    // A publish applied by the network, its answer lost.
    if (kills % 2 == 0) {
      ASSERT_TRUE(DropAfterAccept(meta_ctl, "POST", "/v24.0/*/media_publish", 1));
      ASSERT_TRUE(DropAfterAccept(threads_ctl, "POST", "/v1.0/*/threads_publish", 1));
    } else {
      ASSERT_TRUE(DropAfterAccept(meta_ctl, "POST", "/v24.0/*/feed", 1));
      ASSERT_TRUE(DropAfterAccept(meta_ctl, "POST", "/v24.0/*/photos", 1));
    }
    auto procs = StartWorkers(argv, env, log, c.processes);
    ASSERT_EQ(procs.size(), static_cast<size_t>(c.processes));
    const auto kill_at = std::chrono::steady_clock::now() +
                         milliseconds(std::uniform_int_distribution<int>(200, 1500)(rng));
    for (auto& p : procs) EXPECT_TRUE(p->WatchUntil(kill_at)) << "herald exited early; see " << log;
    for (auto& p : procs) {
      int status = p->Kill(SIGKILL);
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
  }

  auto procs = StartWorkers(argv, env, log, c.processes);
  ASSERT_EQ(procs.size(), static_cast<size_t>(c.processes));
  ASSERT_TRUE(RunUntilSettled(services, procs, seconds(240)))
      << "herald exited while posts were pending; see " << log;
  const bool settled = AllSettled(services);
  for (auto& p : procs) {
    int status = p->Kill(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  if (!settled) {
    const std::string tail = media::testing::ReadFile(log);
    FAIL() << "posts still pending after 240 s; herald log ends:\n"
           << tail.substr(tail.size() > 4000 ? tail.size() - 4000 : 0);
  }

  // What the networks hold, by text; every Instagram container published once.
  std::map<std::string, int> on_meta, on_threads, meta_media;
  std::set<std::string> containers;
  auto meta_posts = meta_ctl.Posts();
  ASSERT_THAT(meta_posts, IsOk());
  for (const auto& p : *meta_posts) {
    if (p.value("deleted", false)) continue;
    const std::string text = p.value("text", std::string());
    ++on_meta[text];
    meta_media[text] += static_cast<int>(p.value("media", base::Json::array()).size());
    const base::Json extra = p.value("extra", base::Json::object());
    if (extra.value("network", std::string()) == "instagram") {
      const std::string container = extra.value("container", std::string());
      EXPECT_TRUE(containers.insert(container).second)
          << text << ": container " << container << " published twice";
    }
  }
  auto threads_posts = threads_ctl.Posts();
  ASSERT_THAT(threads_posts, IsOk());
  for (const auto& p : *threads_posts) {
    if (!p.value("deleted", false)) ++on_threads[p.value("text", std::string())];
  }

  for (int i = 0; i < kPosts; ++i) {
    const std::string text = TextOf(i);
    auto& on_network = NetOf(i) == Net::kThreads ? on_threads : on_meta;
    EXPECT_EQ(on_network[text], 1) << text;
    if (IsThread(i)) {
      EXPECT_EQ(on_threads[text + " part 2"], 1) << text;
    }
    if (NetOf(i) != Net::kThreads && on_network[text] == 1) {
      EXPECT_EQ(meta_media[text], WithImage(i) ? 1 : 0) << text;
    }
    auto targets = store::ReadValue<std::vector<store::PostTarget>>(
        *services.store, [&](store::Tx& tx) {
          return tx.ListTargets(services.default_org.id, post_ids[static_cast<size_t>(i)]);
        });
    ASSERT_THAT(targets, IsOk());
    ASSERT_EQ(targets->size(), 1u);
    const auto& t = targets->front();
    EXPECT_EQ(t.status, store::TargetStatus::kPublished) << text << ": " << t.last_error;
    EXPECT_FALSE(t.external_id.empty()) << text;
    EXPECT_FALSE(t.url.empty()) << text;
  }

  // No account lost its grant.
  for (const auto& a0 : *all_accounts) {
    auto a = store::ReadValue<store::Account>(
        *services.store,
        [&](store::Tx& tx) { return tx.GetAccount(services.default_org.id, a0.id); });
    ASSERT_THAT(a, IsOk());
    EXPECT_EQ(a->status, store::AccountStatus::kActive) << a->platform << ": " << a->last_error;
  }
  server.front()->Kill(SIGTERM);
  std::printf("meta crash test %s: %d kills, %d posts (%zu on meta, %zu on threads)\n", c.name,
              kills, kPosts, meta_posts->size(), threads_posts->size());
}

INSTANTIATE_TEST_SUITE_P(Backends, MetaCrashTest, ::testing::ValuesIn(CrashCases()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace herald::crash
