add_library(apiary_launcher STATIC
  study/client_command.cpp study/plan_builder.cpp study/server_handle.cpp study/progress.cpp study/study_runner.cpp
  study/mpi_sessions.cpp study/interruption.cpp study/run_directory.cpp study/offline_runner.cpp
  study/launcher_state.cpp study/launcher_presence.cpp study/server_progress.cpp study/study_summary.cpp status/study_status.cpp
  study/reporter.cpp study/run_files.cpp study/client_jobs.cpp study/study_server.cpp fault/fault_policy.cpp)
target_include_directories(apiary_launcher PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
target_link_libraries(apiary_launcher PUBLIC apiary_config apiary_plan apiary_sampler apiary_scheduler apiary_protocol
                      apiary_dataset apiary_security apiary_common PRIVATE cppzmq nlohmann_json::nlohmann_json spdlog::spdlog
                      apiary_warnings)
add_executable(apiary main.cpp)
target_link_libraries(apiary PRIVATE apiary_launcher CLI11::CLI11 apiary_warnings)
