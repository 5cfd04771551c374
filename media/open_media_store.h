// OpenMediaStore: the media store the configuration asks for. S3-compatible storage when an S3
// endpoint is configured (HERALD_S3_ENDPOINT with _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY and
// _REGION), otherwise the local directory <data_dir>/media.
#ifndef HERALD_MEDIA_OPEN_MEDIA_STORE_H_
#define HERALD_MEDIA_OPEN_MEDIA_STORE_H_

#include <memory>
#include <string>

#include "base/async.h"
#include "base/clock.h"
#include "base/result.h"
#include "media/media_store.h"
#include "media/s3_media_store.h"
#include "platforms/http/https_client.h"

namespace herald::media {

struct MediaStoreConfig {
  std::string data_dir;  // HERALD_DATA: the local store lives in <data_dir>/media
  S3Options s3;          // used when s3.endpoint is set
  // For S3: the HTTPS client's settings (HERALD_CA_FILE, proxy). allow_private_networks is
  // turned on whatever it says: the endpoint is the operator's own configuration (a MinIO on
  // the LAN is the common case), not a URL a user handed in.
  platforms::http::HttpsClientOptions https;
};

// The configured store; for S3 it owns an HTTPS client of its own. Errors:
// kFailedPrecondition for a partial S3 configuration, naming the variable that is missing (an
// S3 variable set without HERALD_S3_ENDPOINT names HERALD_S3_ENDPOINT); kInvalidArgument for a
// malformed one (see S3MediaStore::Create); HttpsClient::Create's errors. `blocking`: the pool
// for file work, or nullptr for the store's own.
Result<std::unique_ptr<MediaStore>> OpenMediaStore(
    const MediaStoreConfig& config, const base::Clock& clock = base::SystemClock::Instance(),
    base::asio::thread_pool* blocking = nullptr);

}  // namespace herald::media

#endif  // HERALD_MEDIA_OPEN_MEDIA_STORE_H_
