// The Store contract suite on PostgreSQL (HERALD_TEST_PG_URL; every test fails when it is unset).
// Each test gets its own freshly created database, so tests run in parallel.
#include "tests/store/contract_fixture.h"

namespace herald::store::testing {

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContractTest, ::testing::Values(BackendKind::kPostgres),
                         [](const auto& param_info) { return BackendName(param_info.param); });

}  // namespace herald::store::testing
