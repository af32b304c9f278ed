# Debug information as line tables only (-g1): stack traces, sanitizer
# reports and profilers keep file:line, while the build writes and links a
# fraction of the full debug information of libtorch's templates.
foreach(lang C CXX)
  foreach(config RELWITHDEBINFO DEBUG)
    string(REGEX REPLACE "(^| )-g( |$)" "\\1-g1\\2" CMAKE_${lang}_FLAGS_${config} "${CMAKE_${lang}_FLAGS_${config}}")
  endforeach()
endforeach()

# Unity builds: each target's sources are compiled in batches of up to 8
# files concatenated, so that the headers every file of a target includes
# (GoogleTest, nlohmann::json, spdlog, libtorch) are parsed once per batch
# instead of once per file. Measured on 2 cores, a clean RelWithDebInfo
# build of everything: 1,269 CPU-seconds file by file, 636 in unity
# batches (5.5 min). Files of one target therefore share one translation unit: helpers
# in anonymous namespaces must have names of their own. -DCMAKE_UNITY_BUILD=OFF
# compiles file by file (the editor's view, a quicker rebuild of one file).
if(NOT DEFINED CMAKE_UNITY_BUILD)
  set(CMAKE_UNITY_BUILD ON)
endif()
set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)

# Compile options for Apiary's own targets: warnings are errors in our code.
# Third-party headers come through IMPORTED targets, whose include
# directories CMake marks SYSTEM, so their warnings do not fail our build.
add_library(apiary_warnings INTERFACE)
target_compile_options(apiary_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Werror -Wno-error=deprecated-declarations>
  $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wpedantic -Werror>)

if(APIARY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # Every executable keeps the modules it loads (sanitizers/keep_modules_loaded.c,
  # exported so that Open MPI's and PMIx's calls reach it): LeakSanitizer
  # can then name the plugin a leak comes from (make sanitize passes
  # sanitizers/lsan.supp).
  add_library(apiary_keep_modules_loaded OBJECT ${CMAKE_CURRENT_LIST_DIR}/sanitizers/keep_modules_loaded.c)
  set(apiary_executable "$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>")
  link_libraries("$<${apiary_executable}:apiary_keep_modules_loaded>")
  add_link_options("$<${apiary_executable}:LINKER:--export-dynamic-symbol=dlclose>")
endif()

# libtorch (Debian, BLAS_INFO=generic) calls sgemm_ from whatever libblas.so.3
# the system's alternatives select; the reference BLAS is ~19x slower than
# OpenBLAS with OpenMP (shared/reference/platform.md). Executables that load
# libtorch search the OpenMP OpenBLAS directory first, through an RPATH that
# LD_LIBRARY_PATH cannot silently override (--disable-new-dtags makes it
# DT_RPATH, searched before the system's alternative).
set(APIARY_OPENBLAS_DIR "/usr/lib/x86_64-linux-gnu/openblas-openmp"
    CACHE PATH "Directory holding the OpenMP build of OpenBLAS's libblas.so.3")
function(apiary_use_openblas target)
  if(EXISTS "${APIARY_OPENBLAS_DIR}/libblas.so.3")
    target_link_options(${target} PRIVATE "LINKER:--disable-new-dtags"
                        "LINKER:-rpath,${APIARY_OPENBLAS_DIR}")
  else()
    message(WARNING "OpenMP OpenBLAS not found in ${APIARY_OPENBLAS_DIR}: "
                    "libtorch will use the system BLAS, possibly 19x slower")
  endif()
endfunction()
