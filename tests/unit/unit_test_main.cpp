// The CAF test runner of every unit suite (each suite lives in its own *_test.cpp).
#include "caf/test/unit_test_impl.hpp"
