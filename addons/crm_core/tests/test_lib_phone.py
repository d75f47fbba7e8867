"""Phone, e-mail and company-name normalization, and phone masking (no database)."""
import unittest

from ..lib.phone import (mask_phone, normalize_company_name, normalize_email,
                         normalize_phone)

MOBILE = "+8613800138000"
BEIJING = "+861065521234"


class TestNormalizePhone(unittest.TestCase):

    def assertPhone(self, raw, expected, region="CN"):
        self.assertEqual(normalize_phone(raw, region), expected, raw)

    def test_chinese_mobile_in_usual_spellings(self):
        for raw in ("13800138000", "138-0013-8000", "138 0013 8000", "138.0013.8000",
                    "+86 138 0013 8000", "0086 138 0013 8000", "+86-138-0013-8000",
                    " 138 0013 8000 "):
            self.assertPhone(raw, MOBILE)

    def test_landline_with_area_code(self):
        for raw in ("(010) 6552 1234", "010-6552-1234", "010 6552 1234",
                    "+86 10 6552 1234", "+86 (0)10 6552 1234"):
            self.assertPhone(raw, BEIJING)

    def test_full_width_digits_and_punctuation(self):
        self.assertPhone("１３８００１３８０００", MOBILE)
        self.assertPhone("（０１０）６５５２１２３４", BEIJING)
        self.assertPhone("＋８６　１３８－００１３－８０００", MOBILE)

    def test_extensions_are_dropped(self):
        for raw in ("138 0013 8000 ext. 12", "138 0013 8000 ext 12",
                    "138 0013 8000 x12", "138 0013 8000#12", "138 0013 8000转12",
                    "138 0013 8000 转 12", "138 0013 8000 分机 12",
                    "１３８００１３８０００转１２"):
            self.assertPhone(raw, MOBILE)
        self.assertPhone("(010) 6552 1234 转 8012", BEIJING)

    def test_dash_group_is_part_of_the_number_not_an_extension(self):
        self.assertPhone("010-6552-8012", "+861065528012")
        self.assertPhone("400-820-8012", "+864008208012")
        # Taken as digits of the number, "-8012" makes it too long to be a phone.
        self.assertPhone("(010) 6552 1234-8012", None)

    def test_foreign_numbers_with_plus(self):
        self.assertPhone("+49 40 1234 5678", "+494012345678")
        self.assertPhone("+1 415 555 0134", "+14155550134")
        self.assertPhone("0049 40 1234 5678", "+494012345678")

    def test_region_passed_explicitly(self):
        self.assertPhone("040 1234 5678", "+494012345678", region="DE")
        self.assertPhone("(415) 555-0134", "+14155550134", region="US")
        self.assertPhone("040 1234 5678", "+494012345678", region="de")

    def test_number_without_country_and_without_region(self):
        self.assertPhone("13800138000", None, region=None)
        self.assertPhone("+8613800138000", MOBILE, region=None)

    def test_empty_and_garbage(self):
        for raw in (None, "", "   ", "abc", "123", "++--", "12345", "-", "转12"):
            self.assertPhone(raw, None)

    def test_default_region_is_china(self):
        self.assertEqual(normalize_phone("138 0013 8000"), MOBILE)


class TestNormalizeEmail(unittest.TestCase):

    def test_lower_cased_and_stripped(self):
        self.assertEqual(normalize_email("  Zhang.Wei@Example.COM "),
                         "zhang.wei@example.com")

    def test_full_width_at_sign(self):
        self.assertEqual(normalize_email("wang＠example.com"), "wang@example.com")

    def test_invalid(self):
        for raw in (None, "", "  ", "no-at-sign", "@example.com", "wang@", "@"):
            self.assertIsNone(normalize_email(raw), raw)


class TestNormalizeCompanyName(unittest.TestCase):

    def assertSameKey(self, *names):
        keys = {normalize_company_name(name) for name in names}
        self.assertEqual(len(keys), 1, (names, keys))
        self.assertIsNotNone(keys.pop())

    def test_chinese_suffix_and_spaces(self):
        self.assertSameKey("上海华腾机械有限公司", "上海华腾机械 有限公司 ", "上海华腾机械",
                           "上海华腾机械有限责任公司", "上海华腾机械股份有限公司")
        self.assertEqual(normalize_company_name("上海华腾机械有限公司"), "上海华腾机械")

    def test_chinese_group_and_brackets(self):
        self.assertSameKey("华腾（集团）有限公司", "华腾集团", "华腾(集团)股份有限公司", "华腾")

    def test_suffix_split_by_spaces(self):
        self.assertSameKey("上海华腾机械 有限 公司", "上海华腾机械")

    def test_english_suffixes(self):
        self.assertSameKey("Contoso Trading GmbH", "contoso trading",
                           "CONTOSO TRADING", "Contoso Trading Co., Ltd.",
                           "Contoso Trading Co Ltd", "Contoso Trading Ltd",
                           "Contoso Trading Limited", "Contoso Trading, Inc.",
                           "Contoso Trading LLC", "Contoso Trading K.K.",
                           "Contoso Trading Corp.", "Contoso Trading Corporation",
                           "Ｃｏｎｔｏｓｏ　Ｔｒａｄｉｎｇ")
        self.assertEqual(normalize_company_name("Contoso Trading GmbH"),
                         "contosotrading")

    def test_suffix_only_as_a_whole_word(self):
        self.assertEqual(normalize_company_name("Zinc"), "zinc")
        self.assertEqual(normalize_company_name("Kaltd"), "kaltd")

    def test_name_that_is_only_a_suffix_is_kept(self):
        self.assertEqual(normalize_company_name("Limited"), "limited")
        self.assertEqual(normalize_company_name("Co., Ltd."), "coltd")
        self.assertEqual(normalize_company_name("有限公司"), "有限公司")
        self.assertEqual(normalize_company_name("股份有限公司"), "股份有限公司")

    def test_empty(self):
        for raw in (None, "", "   ", "---", "（）"):
            self.assertIsNone(normalize_company_name(raw), raw)

    def test_different_companies_differ(self):
        self.assertNotEqual(normalize_company_name("上海华腾机械有限公司"),
                            normalize_company_name("北京华腾机械有限公司"))


class TestMaskPhone(unittest.TestCase):

    def test_chinese_mobile(self):
        self.assertEqual(mask_phone(MOBILE), "138****8000")

    def test_other_numbers_keep_country_code_and_last_four(self):
        self.assertEqual(mask_phone("+494012345678"), "+49 ******5678")
        self.assertEqual(mask_phone("+14155550134"), "+1 ******0134")
        self.assertEqual(mask_phone(BEIJING), "+86 ******1234")

    def test_empty(self):
        self.assertEqual(mask_phone(None), "")
        self.assertEqual(mask_phone(""), "")

    def test_text_that_is_not_e164_keeps_last_four_digits(self):
        self.assertEqual(mask_phone("6552-1234"), "****1234")

    def test_masks_what_normalize_phone_returns(self):
        self.assertEqual(mask_phone(normalize_phone("138-0013-8000")), "138****8000")
