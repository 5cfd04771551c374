// ContainerPublisher: Meta's container publishing, shared by Instagram and Threads, exactly
// once. A post is a container (for a carousel: one child container per item, then the parent
// naming them), polled until Meta has fetched and processed its media, then published with
// `creation_id`:
//
//   POST /{user}/<create_edge>   (children first, each polled to FINISHED; then the parent)
//   -> slot records the container id; save() BEFORE publishing
//   GET  /{container}?fields=<state_field>,<reason_field>   until FINISHED (at most
//        max_checks, waiting first_wait then twice as long each time up to check_every,
//        through the injected Pause: no real sleeps in tests)
//   POST /{user}/<publish_edge>?creation_id={container}     -> the media id
//
// Progress lives in a `slot`, a JSON object the network keeps in remote_state for one post:
//   {"children": ["<id>", ...]?, "container": "<id>"?, "container_at": "<RFC 3339>"?,
//    "media_id": "<id>"?, "permalink": "<url>"?}
// A resumed attempt (a slot with a container) checks the container first and never makes a
// second container for a post that has a usable one:
//   PUBLISHED -> the media id is looked up among the account's recent media (text, reply-to,
//                time); FINISHED -> published now; IN_PROGRESS -> polled;
//   ERROR / EXPIRED -> only then a new container (children too).
// A publish call that fails in any way is followed by a status check: PUBLISHED means the call
// went through (an answer lost after Meta applied it), and the media is found, not published
// again. Errors of a container in this attempt: ERROR -> kInvalidArgument with Meta's reason
// ("Threads could not use the post's media: <error_message>"); still IN_PROGRESS after
// max_checks -> kUnavailable (the slot keeps the container; the next attempt resumes); an
// unfindable published media -> kUnknown. Graph call errors pass through (the network's
// mapping, platforms/meta/graph_errors.h).
//
// The network sends every call (GraphCaller: its token, its base URL and error mapping), so
// the flow is network-neutral; ContainerFlow names the paths and fields. Stateless apart from
// its options; thread-safe. `clock` outlives it.
#ifndef HERALD_PLATFORMS_META_CONTAINER_PUBLISHER_H_
#define HERALD_PLATFORMS_META_CONTAINER_PUBLISHER_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"
#include "platforms/http/form_urlencoded.h"
#include "platforms/http_client.h"
#include "platforms/kit/transport_errors.h"
#include "platforms/meta/container_wire.h"

namespace herald::platforms::meta {

// One Graph call of the flow.
struct GraphRequest {
  std::string method = "GET";  // "GET" | "POST"
  std::string path;            // after the version, query included: "/17841/threads_publish"
  http::FormFields query;      // appended to the path
  http::FormFields form;       // POST body (application/x-www-form-urlencoded); may be empty
  std::string action;          // "publishing the post", as messages name it
  CallKind kind = CallKind::kRead;
};

// Sends `request` with the account's token (the network's WithToken): a 2xx answer, or the
// network's mapped error for anything else (transport failures classified by `kind`).
using GraphCaller = std::function<Task<base::Result<HttpResponse>>(GraphRequest request)>;

// Waits `delay` before the next status check. Tests pass one that advances a FakeClock.
using ContainerPause = std::function<Task<void>(std::chrono::milliseconds delay)>;

// The network's paths and field names.
struct ContainerFlow {
  std::string network;       // "Threads", "Instagram": messages
  std::string create_edge;   // "threads" | "media": POST /{user}/<create_edge>
  std::string publish_edge;  // "threads_publish" | "media_publish"
  std::string state_field;   // "status" | "status_code"
  std::string reason_field;  // "error_message" | "status"
  std::string limit_edge;    // "threads_publishing_limit" | "content_publishing_limit"
  std::string recent_edge;   // "threads" | "media": the account's recent media
  std::string reply_edge;    // where replies are listed ("replies" on Threads; "" = recent_edge)
  std::string text_field;    // "text" | "caption"
  std::string recent_fields; // fields asked of the recent media ("id,text,permalink,timestamp")
  int max_checks = 30;       // status checks of one container per attempt
  // The wait before the second check; it doubles after each check, up to check_every.
  std::chrono::milliseconds first_wait{1'000};
  std::chrono::milliseconds check_every{10'000};
  int recent_limit = 50;     // recent media read when looking a published container up
  // How long before the container was made a found media may be (clock skew).
  std::chrono::minutes skew{10};
  // The wait of a spent publishing limit when Meta names no reset: checked again then.
  std::chrono::minutes quota_recheck{60};
};

// One post to publish as a container.
struct ContainerPost {
  http::FormFields fields;                 // the parent's: media_type, text/caption, urls...
  std::vector<http::FormFields> children;  // carousel items' fields (is_carousel_item=true ...)
  std::string text;                        // as published, for finding it again
  std::string reply_to;                    // the media it replies to ("" = none)
};

// A published post.
struct PublishedContainer {
  std::string media_id;
  std::string permalink;  // when known from the lookup ("" otherwise)
};

class ContainerPublisher {
 public:
  // `pause` empty: an Asio timer on the calling coroutine's executor.
  ContainerPublisher(ContainerFlow flow, const base::Clock& clock, ContainerPause pause = {});

  // Publishes `post` for `user_id`, resuming from `slot` (see the header comment). `save`
  // records the slot durably (the network's save_remote_state); it is called after the
  // children and after the parent container, before the publish call. On success the slot
  // holds media_id (the caller records it). Errors: see the header comment; a failing `save`
  // ends the attempt with its error before anything is published.
  Task<base::Result<PublishedContainer>> Publish(const GraphCaller& call,
                                                 const std::string& user_id,
                                                 const ContainerPost& post, base::Json& slot,
                                                 const std::function<base::Result<void>()>& save) const;

  // After an interrupted attempt: Ok(published) when the slot's container was published (its
  // media found), Ok(nullopt) when it certainly was not (no container, or one not PUBLISHED);
  // errors when it could not be told now (kUnknown for a PUBLISHED container whose media is
  // not among the recent ones).
  Task<base::Result<std::optional<PublishedContainer>>> FindPublished(
      const GraphCaller& call, const std::string& user_id, const ContainerPost& post,
      const base::Json& slot) const;

  // The account's publishing limit; kResourceExhausted with quota_wait and retry_after
  // (quota_recheck, or the window when shorter) when it is spent, naming the numbers.
  Task<base::Result<PublishingLimit>> CheckLimit(const GraphCaller& call,
                                                 const std::string& user_id) const;

  // A container's status.
  Task<base::Result<ContainerStatus>> Status(const GraphCaller& call,
                                             const std::string& container_id,
                                             const std::string& what) const;

  const ContainerFlow& flow() const { return flow_; }

 private:
  // Polls until the container leaves IN_PROGRESS (or max_checks).
  Task<base::Result<ContainerStatus>> Wait(const GraphCaller& call, const std::string& id,
                                           const std::string& what) const;
  // Creates one container with `fields` (+ children); its id.
  Task<base::Result<std::string>> Create(const GraphCaller& call, const std::string& user_id,
                                         http::FormFields fields, const std::string& what) const;
  // Makes (or reuses) the children of a carousel and waits until each is FINISHED.
  Task<base::Result<std::vector<std::string>>> Children(
      const GraphCaller& call, const std::string& user_id, const ContainerPost& post,
      base::Json& slot, const std::function<base::Result<void>()>& save) const;
  // The media a PUBLISHED container became, among the recent media.
  Task<base::Result<PublishedContainer>> FindMedia(const GraphCaller& call,
                                                   const std::string& user_id,
                                                   const ContainerPost& post,
                                                   const base::Json& slot) const;
  Task<void> Pause(std::chrono::milliseconds delay) const;

  ContainerFlow flow_;
  const base::Clock& clock_;
  ContainerPause pause_;
};

}  // namespace herald::platforms::meta

#endif  // HERALD_PLATFORMS_META_CONTAINER_PUBLISHER_H_
