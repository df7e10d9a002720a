# Fragment for src/http/CMakeLists.txt: the metrics registry. Standard library
# only, so any module may link it without depending on the server.
add_library(parley_metrics ${CMAKE_CURRENT_LIST_DIR}/metrics.cpp)
target_include_directories(parley_metrics PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
