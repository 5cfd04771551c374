// ContainerPublisher (platforms/meta/container_publisher.h) against a scripted in-memory Graph:
// containers polled to FINISHED, carousels, the container saved before publishing, and every
// resume path of exactly-once publishing.
#include "platforms/meta/container_publisher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <deque>
#include <map>

#include "base/time.h"
#include "platforms/threads/threads_wire.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::meta {
namespace {

using base::ErrorCode;
using base::Json;
using base::Result;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A Threads-like Graph: containers go through `script` (one state per status check, the last
// one sticking); publishing turns a FINISHED container into a media listed among the recent.
struct FakeGraph {
  std::deque<std::string> script = {"IN_PROGRESS", "IN_PROGRESS", "FINISHED"};
  std::map<std::string, std::deque<std::string>> states;
  std::map<std::string, http::FormFields> forms;
  std::map<std::string, std::string> reasons;
  std::vector<std::string> log;  // "POST /u/threads", ...
  Json recent = Json::array();
  int next = 0;
  int published = 0;
  bool lose_publish_answer = false;
  int64_t usage = 0;
  const base::Clock* clock = nullptr;

  Result<HttpResponse> Ok(Json body) {
    HttpResponse r;
    r.status = 200;
    r.body = body.dump();
    return r;
  }

  Result<HttpResponse> Handle(const GraphRequest& req) {
    log.push_back(req.method + " " + req.path);
    if (req.method == "POST" && req.path == "/u/threads") {
      std::string id = "c" + std::to_string(++next);
      states[id] = script;
      forms[id] = req.form;
      return Ok(Json{{"id", id}});
    }
    if (req.method == "POST" && req.path == "/u/threads_publish") {
      const std::string c = http::FormValue(req.form, "creation_id");
      auto& s = states[c];
      if (s.empty() || s.front() == "PUBLISHED") {
        return base::InvalidArgument("Threads refused publishing: already published");
      }
      if (s.front() != "FINISHED") return base::InvalidArgument("the container is not ready");
      s = {"PUBLISHED"};
      ++published;
      std::string media = "m" + std::to_string(published);
      recent.insert(recent.begin(),
                    Json{{"id", media},
                         {"text", http::FormValue(forms[c], "text")},
                         {"permalink", "https://www.threads.net/@t/post/" + media},
                         {"timestamp", base::FormatRfc3339(clock->Now())}});
      if (lose_publish_answer) {
        lose_publish_answer = false;
        return base::Unknown("the connection dropped after sending");
      }
      return Ok(Json{{"id", media}});
    }
    if (req.path == "/u/threads") return Ok(Json{{"data", recent}});
    if (req.path == "/u/threads_publishing_limit") {
      return Ok(Json{{"data", Json::array({Json{
                                  {"quota_usage", usage},
                                  {"config", {{"quota_total", 250}, {"quota_duration", 86400}}}}})}});
    }
    // GET /<container>
    const std::string id = req.path.substr(1);
    auto it = states.find(id);
    if (it == states.end()) return base::InvalidArgument("no such container");
    std::string state = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    Json body{{"id", id}, {"status", state}};
    if (state == "ERROR") body["error_message"] = reasons[id];
    return Ok(body);
  }

  GraphCaller Caller() {
    return [this](GraphRequest req) -> Task<Result<HttpResponse>> { co_return Handle(req); };
  }
  int Count(const std::string& entry) const {
    return static_cast<int>(std::count(log.begin(), log.end(), entry));
  }
};

// Threads' flow, with few checks.
ContainerFlow ThreadsFlow() {
  ContainerFlow f = threads::ThreadsContainerFlow();
  f.max_checks = 5;
  return f;
}

class ContainerPublisherTest : public ::testing::Test {
 protected:
  ContainerPublisherTest()
      : clock_(base::FromUnixMicros(1'796'000'000'000'000)),
        publisher_(ThreadsFlow(), clock_, [this](std::chrono::milliseconds d) -> Task<void> {
          pauses_.push_back(d);
          clock_.Advance(d);
          co_return;
        }) {
    graph_.clock = &clock_;
  }

  Result<PublishedContainer> Publish(const ContainerPost& post) {
    auto save = [this]() -> Result<void> {
      saves_.push_back(slot_);
      save_points_.push_back(graph_.log.size());
      if (fail_save_) return base::Unavailable("the store is down");
      return base::Ok();
    };
    return herald::testing::RunTask(io_,
                                    publisher_.Publish(graph_.Caller(), "u", post, slot_, save));
  }

  static ContainerPost Text(std::string text) {
    ContainerPost p;
    p.fields = {{"media_type", "TEXT"}, {"text", text}};
    p.text = std::move(text);
    return p;
  }

  boost::asio::io_context io_;
  base::FakeClock clock_;
  std::vector<std::chrono::milliseconds> pauses_;
  ContainerPublisher publisher_;
  FakeGraph graph_;
  Json slot_ = Json::object();
  std::vector<Json> saves_;
  std::vector<size_t> save_points_;
  bool fail_save_ = false;
};

TEST_F(ContainerPublisherTest, PollsTheContainerAndSavesItBeforePublishing) {
  auto r = Publish(Text("Hello"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->media_id, "m1");
  EXPECT_EQ(graph_.published, 1);
  EXPECT_EQ(graph_.Count("GET /c1"), 3);
  // Through the injected pause (no real sleep), the wait doubling from first_wait.
  EXPECT_THAT(pauses_, ElementsAre(std::chrono::seconds(1), std::chrono::seconds(2)));
  ASSERT_EQ(saves_.size(), 1u);
  EXPECT_EQ(saves_[0]["container"], "c1");
  EXPECT_EQ(graph_.log[save_points_[0] - 1], "POST /u/threads");  // saved right after creation
  EXPECT_EQ(slot_["media_id"], "m1");
}

TEST_F(ContainerPublisherTest, CarouselMakesChildrenThenTheParent) {
  ContainerPost post = Text("Two pictures");
  post.fields = {{"media_type", "CAROUSEL"}, {"text", "Two pictures"}};
  post.children = {{{"media_type", "IMAGE"}, {"is_carousel_item", "true"}, {"image_url", "a"}},
                   {{"media_type", "IMAGE"}, {"is_carousel_item", "true"}, {"image_url", "b"}}};
  auto r = Publish(post);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(graph_.Count("POST /u/threads"), 3);
  EXPECT_EQ(http::FormValue(graph_.forms["c3"], "children"), "c1,c2");
  EXPECT_EQ(http::FormValue(graph_.forms["c1"], "is_carousel_item"), "true");
  EXPECT_EQ(graph_.published, 1);
  ASSERT_EQ(saves_.size(), 2u);  // after the children, after the parent
  EXPECT_EQ(saves_[0]["children"], Json::array({"c1", "c2"}));
}

TEST_F(ContainerPublisherTest, ContainerErrorCarriesMetasReason) {
  graph_.script = {"IN_PROGRESS", "ERROR"};
  graph_.reasons["c1"] = "The media could not be fetched from this URI";
  auto r = Publish(Text("Broken"));
  EXPECT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(r.error().message(), HasSubstr("could not be fetched from this URI"));
  EXPECT_EQ(graph_.published, 0);
}

TEST_F(ContainerPublisherTest, StillProcessingIsTransientAndKeepsTheContainer) {
  graph_.script = {"IN_PROGRESS"};
  auto r = Publish(Text("Slow"));
  EXPECT_THAT(r, StatusIs(ErrorCode::kUnavailable));
  EXPECT_EQ(slot_["container"], "c1");
  EXPECT_EQ(pauses_.size(), 4u);  // max_checks 5
  // The next attempt polls the same container; no second one.
  graph_.states["c1"] = {"FINISHED"};
  ASSERT_THAT(Publish(Text("Slow")), IsOk());
  EXPECT_EQ(graph_.Count("POST /u/threads"), 1);
  EXPECT_EQ(graph_.published, 1);
}

TEST_F(ContainerPublisherTest, LostPublishAnswerIsFoundNotPublishedTwice) {
  graph_.lose_publish_answer = true;
  auto r = Publish(Text("Once"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->media_id, "m1");
  EXPECT_EQ(r->permalink, "https://www.threads.net/@t/post/m1");
  EXPECT_EQ(graph_.published, 1);
  EXPECT_EQ(graph_.Count("POST /u/threads_publish"), 1);
}

TEST_F(ContainerPublisherTest, ResumeWithAFinishedContainerPublishesIt) {
  graph_.states["c9"] = {"FINISHED"};
  graph_.forms["c9"] = {{"text", "Resumed"}};
  slot_ = Json{{"container", "c9"}, {"container_at", base::FormatRfc3339(clock_.Now())}};
  ASSERT_THAT(Publish(Text("Resumed")), IsOk());
  EXPECT_EQ(graph_.Count("POST /u/threads"), 0);
  EXPECT_EQ(graph_.published, 1);
}

TEST_F(ContainerPublisherTest, ResumeWithAPublishedContainerFindsTheMedia) {
  graph_.states["c9"] = {"FINISHED"};
  graph_.forms["c9"] = {{"text", "Already"}};
  slot_ = Json{{"container", "c9"}, {"container_at", base::FormatRfc3339(clock_.Now())}};
  graph_.lose_publish_answer = true;
  GraphRequest publish;
  publish.method = "POST";
  publish.path = "/u/threads_publish";
  publish.form = {{"creation_id", "c9"}};
  (void)graph_.Handle(publish);
  ASSERT_EQ(graph_.published, 1);
  auto found = herald::testing::RunTask(
      io_, publisher_.FindPublished(graph_.Caller(), "u", Text("Already"), slot_));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->media_id, "m1");
  auto r = Publish(Text("Already"));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->media_id, "m1");
  EXPECT_EQ(graph_.published, 1);
  EXPECT_EQ(graph_.Count("POST /u/threads"), 0);
}

TEST_F(ContainerPublisherTest, ResumeWithAnExpiredContainerMakesANewOne) {
  graph_.states["c9"] = {"EXPIRED"};
  slot_ = Json{{"container", "c9"}};
  ASSERT_THAT(Publish(Text("Again")), IsOk());
  EXPECT_EQ(graph_.Count("POST /u/threads"), 1);
  EXPECT_EQ(slot_["container"], "c1");
  EXPECT_EQ(graph_.published, 1);
}

TEST_F(ContainerPublisherTest, FindPublishedIsNothingWithoutAPublishedContainer) {
  auto none = herald::testing::RunTask(
      io_, publisher_.FindPublished(graph_.Caller(), "u", Text("x"), Json::object()));
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
  graph_.states["c9"] = {"FINISHED"};
  auto ready = herald::testing::RunTask(
      io_, publisher_.FindPublished(graph_.Caller(), "u", Text("x"), Json{{"container", "c9"}}));
  ASSERT_THAT(ready, IsOk());
  EXPECT_FALSE(ready->has_value());
}

TEST_F(ContainerPublisherTest, FailedSaveStopsBeforePublishing) {
  fail_save_ = true;
  EXPECT_THAT(Publish(Text("Unsaved")), StatusIs(ErrorCode::kUnavailable));
  EXPECT_EQ(graph_.Count("POST /u/threads_publish"), 0);
}

TEST_F(ContainerPublisherTest, SpentLimitIsAQuotaWait) {
  graph_.usage = 12;
  ASSERT_THAT(herald::testing::RunTask(io_, publisher_.CheckLimit(graph_.Caller(), "u")), IsOk());
  graph_.usage = 250;
  auto r = herald::testing::RunTask(io_, publisher_.CheckLimit(graph_.Caller(), "u"));
  ASSERT_THAT(r, StatusIs(ErrorCode::kResourceExhausted));
  EXPECT_TRUE(r.error().quota_wait());
  ASSERT_TRUE(r.error().retry_after().has_value());
  EXPECT_EQ(*r.error().retry_after(), std::chrono::minutes(60));
  EXPECT_THAT(r.error().message(), HasSubstr("limit of 250 posts in 24 hours"));
}

}  // namespace
}  // namespace herald::platforms::meta
