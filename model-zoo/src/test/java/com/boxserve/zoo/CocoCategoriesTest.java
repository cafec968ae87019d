package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CocoCategoriesTest {

    @Test
    void numbersCategoriesAsTorchvisionDoes() {
        assertEquals(91, CocoCategories.NAMES.size());
        assertEquals(80, CocoCategories.NAMES.stream().filter(n -> !n.equals("N/A") && !n.equals("__background__")).count());
        assertEquals("person", CocoCategories.name(1));
        assertEquals("N/A", CocoCategories.name(12));
        assertEquals("toothbrush", CocoCategories.name(90));
        assertFalse(CocoCategories.isCategory(0));
        assertFalse(CocoCategories.isCategory(12));
    }

    @Test
    void findsIdsByNameOrNumber() {
        assertEquals(18, CocoCategories.id("Dog"));
        assertEquals(10, CocoCategories.id("traffic light"));
        assertEquals(3, CocoCategories.id(" 3 "));
        assertThrows(IllegalArgumentException.class, () -> CocoCategories.id("unicorn"));
        assertThrows(IllegalArgumentException.class, () -> CocoCategories.id("12"));
        assertThrows(IllegalArgumentException.class, () -> CocoCategories.id("N/A"));
        assertThrows(IllegalArgumentException.class, () -> CocoCategories.id("99999999999"));
    }
}
