// TestPki: a throwaway certificate authority made at test time with the OpenSSL API, so TLS
// tests need no checked-in keys. Every certificate uses an EC P-256 key.
#ifndef HERALD_TESTS_PLATFORMS_SUPPORT_TEST_PKI_H_
#define HERALD_TESTS_PLATFORMS_SUPPORT_TEST_PKI_H_

#include <chrono>
#include <string>
#include <vector>

namespace herald::testing {

struct TestCert {
  std::string cert_pem;  // leaf certificate
  std::string key_pem;   // its private key (PKCS#8 PEM)
};

struct CertSpec {
  std::vector<std::string> dns_names;  // subjectAltName DNS entries
  std::vector<std::string> ips;        // subjectAltName IP entries
  // Validity relative to now: [now + not_before, now + not_after].
  std::chrono::seconds not_before{-3600};
  std::chrono::seconds not_after{24 * 3600};
};

class TestPki {
 public:
  // A new self-signed CA named `name`.
  explicit TestPki(const std::string& name = "herald test CA");
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& ca_pem() const { return ca_pem_; }
  // A server certificate signed by this CA.
  TestCert Issue(const CertSpec& spec) const;

 private:
  void* ca_key_ = nullptr;   // EVP_PKEY*
  void* ca_cert_ = nullptr;  // X509*
  std::string ca_pem_;
};

// Writes `text` to a new file under the system temp directory and returns its path.
std::string WriteTempFile(const std::string& stem, const std::string& text);

}  // namespace herald::testing

#endif  // HERALD_TESTS_PLATFORMS_SUPPORT_TEST_PKI_H_
