// Test support for the Facebook and Instagram adapters: the in-process Meta emulator, media
// served over loopback HTTP from its media host (as herald's public URL serves it), accounts
// holding the seeded Page tokens, and a sign-in through the authorization URL.
#ifndef HERALD_TESTS_PLATFORMS_FACEBOOK_META_TEST_FIXTURE_H_
#define HERALD_TESTS_PLATFORMS_FACEBOOK_META_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "platforms/facebook/facebook_login.h"
#include "platforms/kit/oauth_network_base.h"
#include "platforms/oauth/token_set.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/meta/meta_emulator.h"
#include "tests/platforms/support/emulator_fixture.h"

namespace herald::testing {

using base::Json;

class MetaFixture : public EmulatorFixture<emulators::MetaEmulator> {
 protected:
  using MetaEmulator = emulators::MetaEmulator;

  // Facebook Login at the emulator with its app.
  platforms::facebook::LoginOptions Login() {
    platforms::facebook::LoginOptions o;
    o.api_url = server_->base_url();
    o.auth_url = server_->base_url();
    o.client = {MetaEmulator::kClientId, MetaEmulator::kClientSecret};
    o.request_timeout = std::chrono::seconds(5);
    return o;
  }
  // A pause that waits for nothing and records the delay in pauses_.
  std::function<base::Task<void>(std::chrono::milliseconds)> RecordingPause() {
    return [this](std::chrono::milliseconds d) -> base::Task<void> {
      pauses_.push_back(d);
      co_return;
    };
  }

  // Bytes that Meta's checks take for a JPEG, a PNG and an MP4.
  static std::string JpegBytes(const std::string& tag) { return "\xFF\xD8\xFF\xE0 jpeg " + tag; }
  static std::string PngBytes(const std::string& tag) { return "\x89PNG\r\n\x1a\n png " + tag; }
  static std::string Mp4Bytes(const std::string& tag) {
    return std::string("\0\0\0\x18", 4) + "ftypmp42 video " + tag;
  }

  // Serves `bytes` at a loopback URL of the emulator's media host.
  std::string Host(const std::string& name, const std::string& bytes) {
    emulators::EmulatorClient client(server_->base_url());
    auto r = client.Send("PUT", "/media-host/" + name, {{"Content-Type", "image/jpeg"}}, bytes);
    EXPECT_TRUE(r.ok() && r->status == 201);
    return server_->base_url() + "/media-host/" + name;
  }

  platforms::MediaItem Image(const std::string& name, std::string bytes, int width = 1080,
                             int height = 1080) {
    platforms::MediaItem m;
    m.id = "med_" + name;
    m.file_name = name;
    const bool png = bytes.rfind("\x89PNG", 0) == 0;
    m.mime_type = png ? "image/png" : "image/jpeg";
    m.size = static_cast<int64_t>(bytes.size());
    m.url = Host(name, bytes);
    m.probe.kind = "image";
    m.probe.format = png ? "png" : "jpeg";
    m.probe.width = width;
    m.probe.height = height;
    return m;
  }

  platforms::MediaItem Video(const std::string& name, int64_t duration_ms = 20'000,
                             int width = 1080, int height = 1920) {
    const std::string bytes = Mp4Bytes(name);
    platforms::MediaItem m;
    m.id = "med_" + name;
    m.file_name = name;
    m.mime_type = "video/mp4";
    m.size = static_cast<int64_t>(bytes.size());
    m.url = Host(name, bytes);
    m.probe.kind = "video";
    m.probe.format = "mp4";
    m.probe.width = width;
    m.probe.height = height;
    m.probe.duration_ms = duration_ms;
    m.probe.frame_rate = 30;
    m.probe.video_codec = "h264";
    m.probe.audio_codec = "aac";
    return m;
  }

  // An account publishing with `token` (a Page token: no expiry).
  platforms::AccountContext Account(const std::string& external_id, const std::string& token,
                                    const std::string& handle = "Herald Labs") {
    platforms::oauth::TokenSet tokens;
    tokens.access_token = token;
    platforms::AccountContext a;
    a.account_id = "acc_1";
    a.external_id = external_id;
    a.handle = handle;
    a.credentials = platforms::oauth::TokenSetToCredentials(tokens);
    return a;
  }

  platforms::PublishRequest Request(platforms::AccountContext account, std::string text,
                                    std::vector<platforms::MediaItem> media = {},
                                    Json options = Json::object()) {
    platforms::PublishRequest r;
    r.account = std::move(account);
    r.content.parts = {platforms::PostPart{std::move(text), std::move(media)}};
    r.content.options = std::move(options);
    r.idempotency_key = "tgt_1";
    r.save_remote_state = [this](const Json& state) -> base::Result<void> {
      saved_.push_back(state);
      return base::Ok();
    };
    return r;
  }

  // Follows the authorize URL as the browser would and exchanges the code.
  base::Result<platforms::oauth::TokenSet> SignIn(platforms::OAuthNetworkBase& network,
                                                  const std::string& platform) {
    const std::string redirect = "http://127.0.0.1:1/oauth/callback/" + platform;
    const std::string url = network.AuthorizeUrl(redirect, "st4te", "");
    emulators::EmulatorClient client(server_->base_url());
    auto r = client.Send("GET", url.substr(server_->base_url().size()));
    if (!r.ok()) return r.error();
    const std::string location = r->Header("Location");
    const size_t at = location.find("code=");
    if (r->status != 302 || at == std::string::npos) {
      return base::Internal("no code: " + std::to_string(r->status) + " " + location + r->body);
    }
    const std::string code = location.substr(at + 5, location.find('&', at) - at - 5);
    return Run(network.ExchangeCode(code, redirect, ""));
  }

  // Live posts of the emulator's ledger made by `account`.
  std::vector<emulators::CreatedPost> PostsOf(const std::string& account) {
    std::vector<emulators::CreatedPost> out;
    for (auto& p : LivePosts()) {
      if (p.account == account) out.push_back(p);
    }
    return out;
  }

  std::vector<Json> saved_;
  std::vector<std::chrono::milliseconds> pauses_;
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_PLATFORMS_FACEBOOK_META_TEST_FIXTURE_H_
