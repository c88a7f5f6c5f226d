"""Two destructions of one weapon found when the item index was rekeyed (operator's list)."""
