"""Enumerations of the national hardship-file form (DOMAIN.md). Values are stored; labels are shown."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A stored code with the Chinese label a caseworker sees on screen and paper."""

    @property
    def label(self) -> str:
        return self._labels()[self.value]

    @classmethod
    def _labels(cls) -> dict[str, str]:
        raise NotImplementedError

    @classmethod
    def from_label(cls, label: str) -> "LabelledEnum":
        for member in cls:
            if member.label == label.strip():
                return member
        raise ValueError(label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


def _labelled(name: str, pairs: dict[str, str]) -> type[LabelledEnum]:
    enum_cls = LabelledEnum(name, {k: k for k in pairs})  # type: ignore[call-overload]
    enum_cls._labels = classmethod(lambda cls: pairs)  # type: ignore[method-assign]
    return enum_cls


WorkStatus = _labelled("WorkStatus", {
    "on_duty": "在岗", "laid_off": "下(待)岗", "unemployed": "失(无)业", "retired": "退休",
    "retired_cadre": "离休", "ill_retired": "病退", "sick_leave": "病休", "early_retired": "内退",
})
ModelWorkerType = _labelled("ModelWorkerType", {
    "none": "非劳模", "national": "全国", "provincial": "省部级", "municipal": "地市级", "other": "其他",
})
DisabilityType = _labelled("DisabilityType", {
    "visual": "视力", "hearing": "听力", "speech": "言语", "physical": "肢体",
    "intellectual": "智力", "mental": "精神", "multiple": "多重",
})
DisabilityGrade = _labelled("DisabilityGrade", {
    "1": "一级（极重度）", "2": "二级（重度）", "3": "三级（中度）", "4": "四级（轻度）",
})
HealthStatus = _labelled("HealthStatus", {"good": "良好", "fair": "一般", "disabled": "残疾", "ill": "患病"})
PoliticalStatus = _labelled("PoliticalStatus", {
    "cpc": "中共党员", "cpc_probationary": "中共预备党员", "cyl": "共青团员",
    "democratic_party": "民主党派", "masses": "群众",
})
HousingType = _labelled("HousingType", {
    "owned": "自有住房", "public_rental": "公租房", "private_rental": "租住私房",
    "employer": "单位宿舍", "borrowed": "借住", "none": "无房",
})
FloorArea = _labelled("FloorArea", {
    "le20": "20㎡及以下", "20_50": "20-50㎡", "50_70": "50-70㎡", "gt70": "70㎡以上",
})
HukouType = _labelled("HukouType", {"urban": "非农业", "rural": "农业", "rural_to_urban": "农转居"})
UnitNature = _labelled("UnitNature", {
    "state_owned": "国有企业", "collective": "集体企业", "private": "私营企业",
    "foreign": "外资企业", "joint": "股份制企业", "institution": "事业单位",
    "government": "机关", "individual": "个体工商户", "social_org": "社会组织", "other": "其他",
})
EnterpriseState = _labelled("EnterpriseState", {
    "normal": "正常经营", "loss": "亏损", "suspended": "停产半停产", "bankrupt": "破产", "restructured": "改制",
})
MaritalStatus = _labelled("MaritalStatus", {
    "unmarried": "未婚", "married": "已婚", "divorced": "离异", "widowed": "丧偶",
})
MedicalInsurance = _labelled("MedicalInsurance", {
    "urban_employee": "城镇职工医保", "urban_rural_resident": "城乡居民医保", "none": "未参保",
})
Relation = _labelled("Relation", {
    "spouse": "配偶", "son": "儿子", "daughter": "女儿", "father": "父亲", "mother": "母亲",
    "father_in_law": "岳父/公公", "mother_in_law": "岳母/婆婆", "grandson": "孙子/外孙",
    "granddaughter": "孙女/外孙女", "sibling": "兄弟姐妹", "other": "其他",
})
MemberIdentity = _labelled("MemberIdentity", {
    "on_duty": "在岗", "laid_off": "下(待)岗", "unemployed": "失(无)业", "retired": "退休",
    "sick_leave": "病休", "early_retired": "内退", "migrant_worker": "农民工", "student": "学生",
    "preschool": "学龄前", "farmer": "务农", "other": "其他",
})
EducationLevel = _labelled("EducationLevel", {
    "preschool": "学前", "primary": "小学", "junior_high": "初中", "senior_high": "高中",
    "secondary_vocational": "中职", "vocational_college": "高职/专科", "undergraduate": "本科",
    "postgraduate": "研究生",
})
FileType = _labelled("FileType", {"urban_worker": "城镇困难职工", "migrant_worker": "困难农民工"})
FileOrigin = _labelled("FileOrigin", {"new": "增量", "carried": "存量", "relapsed": "返困"})
ExitReason = _labelled("ExitReason", {
    "out_of_hardship": "解困脱困", "retired": "退休", "moved": "调离/迁出", "deceased": "死亡",
    "ineligible": "核查不符", "other": "其他",
})
ReviewOutcome = _labelled("ReviewOutcome", {"keep": "保持", "change_category": "变更类别", "exit": "撤档"})
OrgLevel = _labelled("OrgLevel", {
    "province": "省级", "city": "市级", "county": "县级", "grassroots": "基层工会",
})
MaterialKind = _labelled("MaterialKind", {
    "application_form": "申请审批表", "file_form": "档案表", "id_card": "身份证",
    "hukou_book": "户口簿", "income_proof": "收入证明/工资记录", "bank_card": "银行卡复印件",
    "subsistence_cert": "低保证明", "diagnosis": "诊断证明及医疗票据", "disability_cert": "残疾证",
    "accident_proof": "事故/灾害证明", "student_proof": "学生证/录取通知书及学费票据",
    "labour_contract": "劳动合同", "marital_proof": "离婚/丧偶证明", "aid_application": "帮扶申请书",
    "income_check_authorisation": "家庭经济状况核对授权委托书", "other": "其他",
})
ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 "
    "哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 "
    "达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 "
    "俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
