# Replaces a fuzz target's working corpus with a copy of its checked-in seeds (cmake -P).
#   cmake -DSEEDS=<checked-in dir> -DWORK=<build dir> -DARTIFACTS=<crash dir> -P fresh_corpus.cmake
foreach(var SEEDS WORK ARTIFACTS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "fresh_corpus.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT IS_DIRECTORY "${SEEDS}")
  message(FATAL_ERROR "fresh_corpus.cmake: no seed corpus at ${SEEDS}")
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}" "${ARTIFACTS}")
file(GLOB seeds LIST_DIRECTORIES false "${SEEDS}/*")
file(COPY ${seeds} DESTINATION "${WORK}")
