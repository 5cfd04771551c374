# herald_add_library(NAME SRCS ... DEPS ...): a static library for one folder.
#
# Layer boundaries are enforced by the include path: a library sees only its own folder and the
# folders of the libraries it depends on (DEPS), never the repository root. Each library gets
# an include root of its own, <build>/include_roots/NAME, holding one symbolic link named after
# its folder (include_roots/herald_http/http -> <source>/http), so `#include
# "http/router.h"` keeps working for herald_http and everything that depends on it, while
# an upward include (core including "tools/tool.h") fails to compile. Test, benchmark and fuzz
# code sees the whole tree (their CMakeLists add the root).
function(herald_add_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  file(RELATIVE_PATH folder ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  if(folder MATCHES "^(tests|bench|fuzz)(/|$)")
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  else()
    set(root ${CMAKE_BINARY_DIR}/include_roots/${name})
    get_filename_component(parent ${root}/${folder} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${folder} SYMBOLIC)
    target_include_directories(${name} PUBLIC ${root})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE herald_options ${ARG_PRIVATE_DEPS})
endfunction()

# herald_add_test(NAME SRCS ... DEPS ... LABELS ...): one GoogleTest binary, tests discovered
# by ctest and labelled (unit, postgres, integration, interop).
# The environment of every test: herald serve paces each account's posts by default
# (HERALD_ACCOUNT_PACING), which would hold up the tests that publish bursts through real
# processes; pacing has its own tests (tests/core/account_pacing_test.cpp).
set(HERALD_TEST_ENV "HERALD_ACCOUNT_PACING=off")

function(herald_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS;ENV" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} herald_options GTest::gtest GTest::gmock
                        GTest::gtest_main)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  gtest_discover_tests(${name}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
               ENVIRONMENT "${ARG_ENV};${HERALD_TEST_ENV}")
endfunction()
